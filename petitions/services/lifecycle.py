"""The lifecycle moves (docs/domain.md §4): one function per transition of petitions.transitions.

Each locks the appeal row, checks the move against the one table (status, role, handling
unit), changes the row with save(update_fields=…) and appends its event in the same
transaction. Two people acting at once serialise on the row lock; the second then finds the
status changed and is refused with the state and action named.
"""

import datetime
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification, User
from accounts.roles import Role
from accounts.services import notification_send
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from gridgov.text import clean_text
from grids.models import Department, GridNode, Level
from grids.selectors import post_holders

from .. import calendar
from ..ids import as_id
from ..models import (
    COLOUR_RANK,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Colour,
    Rating,
    ServiceModule,
    Status,
)
from ..transitions import check_allowed
from .intake import active_module, checked_photos, save_photos
from .supervision import (
    appeal_next_check,
    slip_raise_for_repeat,
    slips_close_with_appeal,
)

log = logging.getLogger(__name__)

REOPEN_DAYS = 30
MAX_EXTENSION_DAYS = 20


def _locked(appeal: Appeal | int) -> Appeal:
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    # of=("self",): lock the appeal only, not the joined grid node and module rows.
    locked = (
        Appeal.objects.select_for_update(of=("self",)).select_related("handling_node", "module").filter(pk=pk).first()
    )
    if locked is None:
        raise NotFound(_("No appeal %(n)s.") % {"n": pk})
    return locked


def _event(appeal: Appeal, *, actor, action: str, from_status: str, note: str = "", **data) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=appeal.status,
        note=note,
        data={k: v for k, v in data.items() if v is not None},
    )


def _after_commit(appeal: Appeal, action: str) -> None:
    transaction.on_commit(lambda: log.info("appeal %s: %s", appeal.pk, action))


def _unit_staff(appeal: Appeal):
    """The people who work the appeal's handling unit now."""
    if appeal.handling_department_id:
        return post_holders(Role.DEPARTMENT, department=appeal.handling_department_id)
    if appeal.handling_node_id:
        return post_holders(Role.STREET_OFFICE, Role.COMMUNITY, node=appeal.handling_node_id)
    return User.objects.none()


def _center_staff():
    return post_holders(Role.COMMAND_CENTER)


def _revisitors():
    """Who makes return visits: the command center and the hotline operators."""
    return post_holders(Role.COMMAND_CENTER, Role.HOTLINE)


def _notify(appeal: Appeal, event: AppealEvent, recipients, kind: str, title: str) -> None:
    """A notice per recipient, written in this transaction and delivered after commit (the
    notification centre's task); the event id in the key makes a retried call send nothing twice."""
    notification_send(
        recipients=recipients,
        kind=kind,
        title=f"#{appeal.pk} {appeal.module.name}: {title}",
        body=event.note,
        url=f"/appeals/{appeal.pk}/",
        key=f"appeal:{appeal.pk}:{event.action}:{event.pk}",
    )


def _note(note, *, required: bool = False, label=None) -> str:
    return clean_text(note, field="note", label=label or _("The note"), required=required)


def _set_unit(appeal: Appeal, *, department: Department | None, node: GridNode | None) -> list[str]:
    appeal.handling_department = department
    appeal.handling_node = node
    if node is None:
        appeal.handling_street = None
    else:
        appeal.handling_street = node if node.level == Level.STREET else node.parent
    return ["handling_department", "handling_node", "handling_street"]


def _clear_unit(appeal: Appeal) -> list[str]:
    appeal.deadline = None
    appeal.window_start = None
    appeal.deadline_calendar_missing = None
    return [*_set_unit(appeal, department=None, node=None), "deadline", "window_start", "deadline_calendar_missing"]


def _set_deadline(appeal: Appeal, deadline: datetime.datetime, start: datetime.datetime) -> list[str]:
    """Sets the deadline and notes whether a year it spans had no holiday calendar."""
    appeal.deadline = deadline
    appeal.deadline_calendar_missing = calendar.first_year_without_calendar(start, deadline)
    return ["deadline", "deadline_calendar_missing"]


def _new_window(appeal: Appeal, now: datetime.datetime) -> list[str]:
    appeal.window_start = now
    deadline = calendar.deadline_for(priority=appeal.priority, module=appeal.module, start=now)
    return ["window_start", *_set_deadline(appeal, deadline, now)]


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def appeal_register(
    *,
    actor,
    appeal: Appeal | int,
    module: ServiceModule | int | str | None = None,
    priority: str | None = None,
    note: str = "",
) -> Appeal:
    """立案: confirm or correct the module and the priority."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "register")
    note = _note(note)
    fields = ["status"]
    if module not in (None, ""):
        appeal.module = active_module(module)
        fields.append("module")
    if priority:
        if priority not in ("urgent", "normal", "complex"):
            raise InvalidInput(_("Unknown priority %(p)s.") % {"p": priority}, field="priority")
        appeal.priority = priority
        fields.append("priority")
    old, appeal.status = appeal.status, Status.REGISTERED
    appeal.save(update_fields=[*fields, "updated_at"])
    _event(appeal, actor=actor, action="register", from_status=old, note=note,
           module=appeal.module.code, priority=appeal.priority)  # fmt: skip
    _after_commit(appeal, "register")
    return appeal


@transaction.atomic
def appeal_merge(*, actor, appeal: Appeal | int, into: Appeal | int, note: str = "") -> Appeal:
    """重复件: a repeat of an open case. It is closed as merged, the case it repeats counts the
    repeat and is raised to at least yellow (docs/domain.md §4, four-colour ladder)."""
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    into_pk = into.pk if isinstance(into, Appeal) else into
    if pk == into_pk:
        raise InvalidInput(_("An appeal cannot repeat itself."), field="into")
    if as_id(into_pk) is None:
        raise InvalidInput(_("There is no appeal #%(n)s to merge into.") % {"n": into_pk}, field="into")
    # Lock both rows in id order, so two merges crossing each other cannot deadlock.
    rows = {a.pk: a for a in Appeal.objects.select_for_update(of=("self",)).filter(pk__in=sorted([pk, into_pk]))}
    if into_pk not in rows:
        raise InvalidInput(_("There is no appeal #%(n)s to merge into.") % {"n": into_pk}, field="into")
    appeal, target = rows[pk], rows[into_pk]
    check_allowed(actor, appeal, "merge")
    if target.status not in OPEN_STATUSES:
        raise Conflict(_("Appeal #%(n)s is no longer open; register this one instead.") % {"n": target.pk})
    note = _note(note)
    old, appeal.status = appeal.status, Status.MERGED
    appeal.duplicate_of = target
    appeal.closed_at = timezone.now()
    appeal.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
    slips_close_with_appeal(actor=actor, appeal=appeal, note=_("merged into #%(n)s") % {"n": target.pk})
    _event(appeal, actor=actor, action="merge", from_status=old, note=note, into=target.pk)
    target.repeat_count += 1
    # At least yellow, with its slip (once per handling window).
    slip_raise_for_repeat(actor=actor, appeal=target)
    if COLOUR_RANK[target.colour] < COLOUR_RANK[Colour.YELLOW]:
        target.colour = Colour.YELLOW
    target.save(update_fields=["repeat_count", "colour", "supervising_node", "updated_at"])
    _event(target, actor=actor, action="repeat", from_status=target.status, note=note, repeat=appeal.pk)
    _after_commit(target, "repeat")
    return appeal


@transaction.atomic
def appeal_reject(*, actor, appeal: Appeal | int, reason: str) -> Appeal:
    """不予受理: not a matter for the platform; the reason is on record."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "reject")
    reason = _note(reason, required=True, label=_("The reason"))
    old, appeal.status = appeal.status, Status.REJECTED
    appeal.closed_at = timezone.now()
    appeal.save(update_fields=["status", "closed_at", "updated_at"])
    slips_close_with_appeal(actor=actor, appeal=appeal, note=_("appeal rejected"))
    _event(appeal, actor=actor, action="reject", from_status=old, note=reason)
    return appeal


def _check_unit(department, node) -> None:
    if (department is None) == (node is None):
        raise InvalidInput(_("Dispatch to one department or to one street or community."), field="unit")
    if department is not None and not department.is_active:
        raise InvalidInput(_("%(d)s is not active.") % {"d": department}, field="department")
    if node is not None and node.level not in (Level.STREET, Level.COMMUNITY):
        raise InvalidInput(_("Dispatch to a street or a community, not a grid."), field="node")


@transaction.atomic
def appeal_dispatch(
    *,
    actor,
    appeal: Appeal | int,
    department: Department | None = None,
    node: GridNode | None = None,
    note: str = "",
) -> Appeal:
    """分流交办: to a department or a street/community, with its deadline."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "dispatch")
    _check_unit(department, node)
    note = _note(note)
    now = timezone.now()
    old, appeal.status = appeal.status, Status.DISPATCHED
    fields = [*_set_unit(appeal, department=department, node=node), *_new_window(appeal, now)]
    fields += appeal_next_check(appeal, now=now)
    appeal.save(update_fields=["status", *fields, "updated_at"])
    event = _event(appeal, actor=actor, action="dispatch", from_status=old, note=note,
           department=department.pk if department else None, node=node.pk if node else None,
           unit=str(department or node.name), deadline=_iso(appeal.deadline))  # fmt: skip
    _notify(appeal, event, _unit_staff(appeal), Notification.Kind.DISPATCH, _("dispatched to your unit"))
    _after_commit(appeal, "dispatch")
    return appeal


@transaction.atomic
def appeal_dispatch_down(*, actor, appeal: Appeal | int, community: GridNode, note: str = "") -> Appeal:
    """下派: a street office passes its case to one of its communities; the deadline stays."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "dispatch_down")
    street = appeal.handling_node
    if street is None or street.level != Level.STREET:
        raise Conflict(_("Only a case dispatched to a street can be dispatched down."), code="not_street_case")
    if community.level != Level.COMMUNITY or community.parent_id != street.pk:
        raise InvalidInput(
            _("%(c)s is not a community of %(s)s.") % {"c": community.name, "s": street.name}, field="community"
        )
    note = _note(note)
    old, appeal.status = appeal.status, Status.DISPATCHED
    fields = _set_unit(appeal, department=None, node=community)
    appeal.save(update_fields=["status", *fields, "updated_at"])
    event = _event(appeal, actor=actor, action="dispatch_down", from_status=old, note=note, node=community.pk,
                   unit=community.name)  # fmt: skip
    _notify(appeal, event, _unit_staff(appeal), Notification.Kind.DISPATCH, _("dispatched to your community"))
    _after_commit(appeal, "dispatch_down")
    return appeal


@transaction.atomic
def appeal_sign(*, actor, appeal: Appeal | int, note: str = "") -> Appeal:
    """签收: the handling unit takes the case on."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "sign")
    note = _note(note)
    old, appeal.status = appeal.status, Status.IN_PROGRESS
    appeal.save(update_fields=["status", "updated_at"])
    _event(appeal, actor=actor, action="sign", from_status=old, note=note)
    return appeal


def _send_back(actor, appeal, action: str, reason: str) -> Appeal:
    appeal = _locked(appeal)
    check_allowed(actor, appeal, action)
    reason = _note(reason, required=True, label=_("The reason"))
    unit = str(appeal.handling_unit or "")
    old, appeal.status = appeal.status, Status.REGISTERED
    fields = [*_clear_unit(appeal), *appeal_next_check(appeal)]
    appeal.save(update_fields=["status", *fields, "updated_at"])
    event = _event(appeal, actor=actor, action=action, from_status=old, note=reason, unit=unit)
    _notify(appeal, event, _center_staff(), Notification.Kind.OTHER, _("sent back by %(unit)s") % {"unit": unit})
    _after_commit(appeal, action)
    return appeal


@transaction.atomic
def appeal_return(*, actor, appeal: Appeal | int, reason: str) -> Appeal:
    """回退: not ours to handle; back to the command center for re-dispatch."""
    return _send_back(actor, appeal, "return", reason)


@transaction.atomic
def appeal_transfer(*, actor, appeal: Appeal | int, reason: str) -> Appeal:
    """转办: signed, but another unit's matter; back to the command center for re-dispatch."""
    return _send_back(actor, appeal, "transfer", reason)


@transaction.atomic
def appeal_reply(*, actor, appeal: Appeal | int, reply: str, photos: Sequence = ()) -> Appeal:
    """答复: the handling unit's answer, with photos of the work done if any."""
    checked = checked_photos(photos)
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "reply")
    reply = clean_text(reply, field="reply", label=_("The reply"), required=True)
    old, appeal.status = appeal.status, Status.REPLIED
    appeal.reply, appeal.replied_at = reply, timezone.now()
    appeal.save(update_fields=["status", "reply", "replied_at", *appeal_next_check(appeal), "updated_at"])
    event = _event(appeal, actor=actor, action="reply", from_status=old, note=reply)
    save_photos(appeal=appeal, photos=checked, actor=actor, event=event)
    # The center verifies replies (待核查): each reply tells its staff once (the key holds the event).
    _notify(appeal, event, _center_staff(), Notification.Kind.OTHER, _("replied, to verify"))
    _after_commit(appeal, "reply")
    return appeal


@transaction.atomic
def appeal_verify(*, actor, appeal: Appeal | int, note: str = "") -> Appeal:
    """核查通过: the command center checked the reply; a return visit comes next."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "verify")
    note = _note(note)
    old, appeal.status = appeal.status, Status.VERIFIED
    appeal.save(update_fields=["status", "updated_at"])
    event = _event(appeal, actor=actor, action="verify", from_status=old, note=note)
    _notify(appeal, event, _revisitors(), Notification.Kind.REVISIT, _("return visit due"))
    return appeal


def _rework(appeal: Appeal, action: str, actor, note: str, **data) -> Appeal:
    old, appeal.status = appeal.status, Status.DISPATCHED
    appeal.rework_count += 1
    now = timezone.now()
    fields = [*_new_window(appeal, now), *appeal_next_check(appeal, now=now)]
    appeal.save(update_fields=["status", "rework_count", *fields, "updated_at"])
    event = _event(appeal, actor=actor, action=action, from_status=old, note=note,
                   rework_count=appeal.rework_count, deadline=_iso(appeal.deadline), **data)  # fmt: skip
    _notify(appeal, event, _unit_staff(appeal), Notification.Kind.DISPATCH, _("sent back for rework"))
    _after_commit(appeal, action)
    return appeal


@transaction.atomic
def appeal_rework(*, actor, appeal: Appeal | int, reason: str) -> Appeal:
    """返工: verification failed; back to the same unit with a new window."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "rework")
    reason = _note(reason, required=True, label=_("The reason"))
    return _rework(appeal, "rework", actor, reason)


@transaction.atomic
def appeal_return_visit(
    *, actor, appeal: Appeal | int, rating: str, substantive: bool = False, note: str = ""
) -> Appeal:
    """回访: the reporter rates the handling. Dissatisfied for a substantive reason sends it
    back for rework; any other answer closes it (办结) with the rating."""
    if not rating:
        raise InvalidInput(_("Choose how satisfied the reporter is."), field="rating")
    if rating not in Rating.values:
        raise InvalidInput(_("Unknown rating %(r)s.") % {"r": rating}, field="rating")
    appeal = _locked(appeal)
    rework = rating == Rating.DISSATISFIED and substantive
    action = "revisit_rework" if rework else "revisit"
    check_allowed(actor, appeal, action)
    note = _note(note, required=rework, label=_("The substantive reason"))
    if rework:
        return _rework(appeal, action, actor, note, rating=rating)
    old, appeal.status = appeal.status, Status.CLOSED
    appeal.satisfaction, appeal.closed_at = rating, timezone.now()
    appeal.save(update_fields=["status", "satisfaction", "closed_at", "updated_at"])
    slips_close_with_appeal(actor=actor, appeal=appeal, note=_("appeal closed"))
    _event(appeal, actor=actor, action=action, from_status=old, note=note, rating=rating)
    _after_commit(appeal, action)
    return appeal


@transaction.atomic
def appeal_reopen(*, actor, appeal: Appeal | int, reason: str) -> Appeal:
    """重新办理: within 30 days of closing, back to the command center for re-dispatch."""
    appeal = _locked(appeal)
    check_allowed(actor, appeal, "reopen")
    reason = _note(reason, required=True, label=_("The reason"))
    if appeal.closed_at and timezone.now() - appeal.closed_at > datetime.timedelta(days=REOPEN_DAYS):
        raise Conflict(
            _("Appeal #%(n)s was closed more than %(d)d days ago and can no longer be reopened.")
            % {"n": appeal.pk, "d": REOPEN_DAYS},
            code="reopen_too_late",
        )
    old, appeal.status = appeal.status, Status.REGISTERED
    appeal.closed_at, appeal.satisfaction = None, ""
    fields = [*_clear_unit(appeal), *appeal_next_check(appeal)]
    appeal.save(update_fields=["status", "closed_at", "satisfaction", *fields, "updated_at"])
    _event(appeal, actor=actor, action="reopen", from_status=old, note=reason)
    _after_commit(appeal, "reopen")
    return appeal


@transaction.atomic
def appeal_add_photos(*, actor, appeal: Appeal | int, photos: Sequence, note: str = "") -> Appeal:
    """More photos for an open appeal (a grid worker's follow-up); recorded as an event."""
    checked = checked_photos(photos)
    if not checked:
        raise InvalidInput(_("Choose at least one photo."), field="photos")
    appeal = _locked(appeal)
    if appeal.status not in OPEN_STATUSES:
        raise Conflict(_("Photos can be added only to an open appeal."), code="closed")
    if (
        actor is not None
        and not actor.is_superuser
        and not Appeal.objects.visible_to(actor).filter(pk=appeal.pk).exists()
    ):
        raise NotAllowed(_("You may not add photos to this appeal."))
    event = _event(appeal, actor=actor, action="photo", from_status=appeal.status, note=_note(note))
    save_photos(appeal=appeal, photos=checked, actor=actor, event=event)
    return appeal
