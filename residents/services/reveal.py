"""The one way to read a personal-data value in full: checked and logged."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import RevealLog
from accounts.roles import REVEAL_PERSONAL_DATA
from accounts.scopes import require_role, scope_for
from gridgov import personal_data
from gridgov.errors import InvalidInput, NotAllowed, NotFound

from ..models import (
    PERSONAL_FIELDS,
    Organisation,
    Resident,
)
from .common import _check_in_scope

# ---- Personal data reveal ----


def _unit_grid_of(obj) -> int:
    return obj.household.unit_grid_id if isinstance(obj, Resident) else obj.unit_grid_id


@transaction.atomic
def personal_data_reveal(*, actor, obj: Resident | Organisation, field: str, reason: str = "") -> str:
    """The plain value of one personal-data field, for a role that needs it and says why,
    logged with the reason.

    The log row is written in the same transaction that reads the value: no reveal without
    its row."""
    require_role(actor, *REVEAL_PERSONAL_DATA, action=_("see full ID numbers or phone numbers"))
    fields = PERSONAL_FIELDS.get(type(obj), {})
    if field not in fields:
        raise InvalidInput(_("%(field)s is not a personal-data field.") % {"field": field}, field="field")
    if actor is not None and not scope_for(actor).everything and not actor.is_superuser:
        try:
            _check_in_scope(actor, _unit_grid_of(obj))
        except NotAllowed:
            raise NotFound(_("No such record in your area.")) from None
    if actor is not None:
        reason = personal_data.clean_reveal_reason(reason)
    value = personal_data.open_value(getattr(obj, f"{field}_cipher"))
    if actor is not None:
        RevealLog.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            field=field,
            subject=str(obj)[:100],
            reason=reason,
        )
    return value
