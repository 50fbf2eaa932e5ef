"""Reads of the audit trail."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.dates import check_date
from gridgov.errors import InvalidInput

from .models import AuditEntry


def _day(value: str, label: str) -> datetime.date | None:
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("%(label)s is not a date (YYYY-MM-DD).") % {"label": label}, field="date") from None
    return check_date(day, field="date")


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_models() -> list[str]:
    """The record types the trail holds, for the filter."""
    return list(AuditEntry.objects.order_by("model").values_list("model", flat=True).distinct())


def audit_entries(*, who: str = "", model: str = "", since: str = "", until: str = "") -> QuerySet:
    """The trail, newest first, filtered by actor (user name or name), record type and days.
    Its readers (the supervision bureau, admins) see every row."""
    qs = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if text := who.strip()[:50]:
        qs = qs.filter(Q(actor_label__icontains=text) | Q(actor__name__icontains=text))
    if model := model.strip()[:60]:
        qs = qs.filter(model=model)
    start, end = _day(since, _("From")), _day(until, _("Until"))
    if start:
        qs = qs.filter(at__gte=_midnight(start))
    if end:
        qs = qs.filter(at__lt=_midnight(end + datetime.timedelta(days=1)))
    return qs
