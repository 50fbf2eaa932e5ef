"""申请延期 / 审批延期: a handling unit asks for more working days before the deadline, the
command center approves or refuses (the deadline moves from the old one). The same row lock,
table check and event as every other move of petitions.services.lifecycle."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from gridgov.errors import Conflict, InvalidInput

from .. import calendar
from ..models import Appeal, ExtensionRequest, ExtensionStatus
from ..transitions import check_allowed
from .lifecycle import (
    MAX_EXTENSION_DAYS,
    _after_commit,
    _center_staff,
    _event,
    _iso,
    _locked,
    _note,
    _notify,
    _set_deadline,
)
from .supervision import appeal_next_check, slips_close_blue_for_extension


@transaction.atomic
def appeal_request_extension(*, actor, appeal: Appeal | int, days: int, reason: str) -> ExtensionRequest:
    """申请延期: asked before the deadline; the command center decides."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "request_extension")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise InvalidInput(_("The extension is a whole number of working days."), field="days") from None
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(_("An extension is 1 to %(n)d working days.") % {"n": MAX_EXTENSION_DAYS}, field="days")
    reason = _note(reason, required=True, label=_("The reason"))
    if appeal.deadline and appeal.deadline < timezone.now():
        raise Conflict(_("The deadline has passed; an extension must be asked for before it."), code="too_late")
    if appeal.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."), code="pending_extension")
    request = ExtensionRequest.objects.create(
        appeal=appeal, days=days, reason=reason, requested_by=actor, old_deadline=appeal.deadline
    )
    appeal.save(update_fields=["updated_at"])
    event = _event(appeal, actor=actor, action="request_extension", from_status=appeal.status, note=reason,
                   days=days, request=request.pk)  # fmt: skip
    _notify(appeal, event, _center_staff(), Notification.Kind.OTHER, _("extension requested"))
    _after_commit(appeal, "request_extension")
    return request


@transaction.atomic
def appeal_decide_extension(*, actor, appeal: Appeal | int, approve: bool, note: str = "") -> Appeal:
    """审批延期: approved, the deadline moves by the days asked (from the old deadline)."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "decide_extension")
    note = _note(note)
    request = appeal.extensions.filter(status=ExtensionStatus.PENDING).first()
    if request is None:
        raise Conflict(_("No extension request is waiting for a decision."), code="no_pending_extension")
    now = timezone.now()
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by, request.decided_at = actor, now
    fields = ["updated_at"]
    if approve:
        start = appeal.deadline or now
        request.new_deadline = calendar.add_working_days_from(start, request.days)
        fields += _set_deadline(appeal, request.new_deadline, start)
        slips_close_blue_for_extension(actor=actor, appeal=appeal)
        fields += appeal_next_check(appeal, now=now)
    request.save(update_fields=["status", "decided_by", "decided_at", "new_deadline"])
    appeal.save(update_fields=fields)
    _event(appeal, actor=actor, action="decide_extension", from_status=appeal.status, note=note,
           approved=bool(approve), days=request.days, old_deadline=_iso(request.old_deadline),
           deadline=_iso(appeal.deadline))  # fmt: skip
    _after_commit(appeal, "decide_extension")
    return appeal
