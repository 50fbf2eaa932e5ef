"""Revealing a reporter's name and phone (查看明文): to the roles that call people back, one
appeal at a time, each reveal logged in the same transaction that reads the value."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RevealLog
from accounts.roles import REVEAL_PERSONAL_DATA
from accounts.scopes import require_role
from gridgov import personal_data
from gridgov.errors import NotFound

from ..models import Appeal


@transaction.atomic
def appeal_reporter_reveal(*, actor, appeal: Appeal, reason: str = "") -> dict[str, str]:
    """The reporter's plain name and phone, for a return visit or a call back; the reason
    the user gives is logged with each value."""
    require_role(actor, *REVEAL_PERSONAL_DATA, action=_("see a reporter's full name and phone"))
    if not Appeal.objects.visible_to(actor).filter(pk=appeal.pk).exists():
        raise NotFound(_("No appeal %(n)s.") % {"n": appeal.pk})
    reason = personal_data.clean_reveal_reason(reason)
    row = Appeal.objects.only("id", "reporter_name_cipher", "reporter_phone_cipher").get(pk=appeal.pk)
    content_type = ContentType.objects.get_for_model(Appeal)
    revealed = {}
    for field in ("reporter_name", "reporter_phone"):
        cipher = getattr(row, f"{field}_cipher")
        if not cipher:
            continue
        RevealLog.objects.create(
            user=actor, content_type=content_type, object_id=row.pk, field=field, subject=f"#{row.pk}", reason=reason
        )
        revealed[field] = personal_data.open_value(cipher)
    return revealed
