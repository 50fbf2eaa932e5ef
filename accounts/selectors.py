"""Reads of the accounts app."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput

from .models import RevealLog

REVEAL_FIELDS = ("id_number", "phone", "contact_phone", "reporter_name", "reporter_phone")
REVEAL_KINDS = ("resident", "organisation", "appeal")


def _day(value: str, label: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("%(label)s is not a date (YYYY-MM-DD).") % {"label": label}, field="date") from None


def reveal_log(*, who: str = "", field: str = "", kind: str = "", since: str = "", until: str = "") -> QuerySet:
    """The reveal log (查看明文记录), newest first, filtered; one query for a page of rows and
    one for the count (the reader, who is a district supervisor, sees every row)."""
    qs = RevealLog.objects.select_related("user", "content_type").order_by("-revealed_at", "-id")
    if who.strip():
        text = who.strip()[:50]
        qs = qs.filter(Q(user__username__icontains=text) | Q(user__name__icontains=text))
    if field in REVEAL_FIELDS:
        qs = qs.filter(field=field)
    if kind in REVEAL_KINDS:
        qs = qs.filter(content_type__model=kind)
    start, end = _day(since, _("From")), _day(until, _("Until"))
    if start:
        qs = qs.filter(revealed_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)))
    if end:
        qs = qs.filter(
            revealed_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
            )
        )
    return qs
