"""Four-colour supervision (四色督办, docs/domain.md §4): the rule, the sweep, and slips by hand.

`colours_due` is the rule as a pure function of the appeal's facts, the moment and the
calendar, so that it can be tested property by property. `appeal_supervise` applies it to one
appeal under its row lock; `slips_issue_due` is the sweep: it reads only the appeals whose
`next_check_at` has passed (index appeal_next_check), so its cost follows the due appeals,
not the table. A database constraint (slip_once_per_window) keeps each rule slip to once per
appeal and handling window, however often the sweep runs and however many workers run it.
"""

import datetime
import logging
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.roles import Role
from accounts.scopes import scope_for
from accounts.services import notification_send
from gridgov.errors import Conflict, InvalidInput, NotAllowed, NotFound
from grids.models import GridNode, Level
from grids.selectors import post_holders

from .. import calendar
from ..models import COLOUR_RANK, HANDLING_STATUSES, Appeal, CalendarDay, Colour, SupervisionSlip

log = logging.getLogger(__name__)

ISSUERS = frozenset({Role.COMMAND_CENTER, Role.SUPERVISION})
LADDER = (Colour.BLUE, Colour.YELLOW, Colour.ORANGE, Colour.RED)


def thresholds() -> dict:
    defaults = {
        "BLUE_SHARE": 0.70,
        "YELLOW_SHARE": 0.85,
        "BLUE_UNACKNOWLEDGED_WORKING_DAYS": 1,
        "RED_OVERDUE_WORKING_DAYS": 5,
        "RED_REWORKS": 3,
        "SWEEP_BATCH": 100,
    }
    return {**defaults, **getattr(settings, "GRIDGOV_SUPERVISION", {})}


# ---------------------------------------------------------------------------------------------
# The rule


@dataclass(frozen=True)
class Facts:
    """What the rule reads of one appeal's current handling window."""

    window_start: datetime.datetime
    deadline: datetime.datetime
    rework_count: int = 0
    # When this window's blue slip was issued, if it is still unacknowledged and open.
    blue_unacknowledged_since: datetime.datetime | None = None


def _add_working_days(when: datetime.datetime, days: int, exceptions: dict) -> datetime.datetime:
    """`days` working days after the moment `when`, at the same time of day."""
    local = timezone.localtime(when)
    day = calendar.add_working_days(local.date(), days, exceptions)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(tzinfo=None)))


def thresholds_of(facts: Facts, exceptions: dict, limits: dict | None = None) -> dict[str, list]:
    """Each colour's moments: the colour is due once `now` has reached any of them (orange:
    passed). Every threshold is a moment, so the next check is the earliest one ahead."""
    t = limits or thresholds()
    span = facts.deadline - facts.window_start
    moments = {
        Colour.BLUE: [facts.window_start + span * t["BLUE_SHARE"]],
        Colour.YELLOW: [facts.window_start + span * t["YELLOW_SHARE"]],
        # "Deadline passed": strictly after it; a reply at the deadline itself is in time.
        Colour.ORANGE: [facts.deadline + datetime.timedelta(microseconds=1)],
        Colour.RED: [_add_working_days(facts.deadline, t["RED_OVERDUE_WORKING_DAYS"], exceptions)],
    }
    if facts.blue_unacknowledged_since is not None:
        moments[Colour.YELLOW].append(
            _add_working_days(facts.blue_unacknowledged_since, t["BLUE_UNACKNOWLEDGED_WORKING_DAYS"], exceptions)
        )
    if facts.rework_count >= t["RED_REWORKS"]:
        moments[Colour.RED].append(facts.window_start)
    return moments


def colours_due(facts: Facts, now: datetime.datetime, exceptions: dict, limits: dict | None = None) -> list[str]:
    """The colours whose condition holds at `now` for an appeal whose handling unit holds the
    case unreplied (docs/domain.md §4's table), lowest first."""
    moments = thresholds_of(facts, exceptions, limits)
    return [colour for colour in LADDER if any(now >= m for m in moments[colour])]


def next_check(facts: Facts, now: datetime.datetime, exceptions: dict, issued: set[str]) -> datetime.datetime | None:
    """The earliest moment after `now` at which a colour not yet issued becomes due."""
    ahead = [
        m for colour, ms in thresholds_of(facts, exceptions).items() if colour not in issued for m in ms if m > now
    ]
    return min(ahead, default=None)


REASONS = {
    Colour.BLUE: "blue",
    Colour.YELLOW: "yellow",
    Colour.ORANGE: "orange",
    Colour.RED: "red",
}


def _reason(colour: str, facts: Facts, now: datetime.datetime, exceptions: dict) -> str:
    t = thresholds()
    if colour == Colour.BLUE:
        return _("%(p)d%% of the handling window used, not replied") % {"p": round(t["BLUE_SHARE"] * 100)}
    if colour == Colour.YELLOW:
        span = facts.deadline - facts.window_start
        if now >= facts.window_start + span * t["YELLOW_SHARE"]:
            return _("%(p)d%% of the handling window used, not replied") % {"p": round(t["YELLOW_SHARE"] * 100)}
        return _("blue slip unacknowledged for %(d)d working day(s)") % {"d": t["BLUE_UNACKNOWLEDGED_WORKING_DAYS"]}
    if colour == Colour.ORANGE:
        return _("deadline passed without a reply")
    if facts.rework_count >= t["RED_REWORKS"]:
        return _("reworked %(n)d times") % {"n": facts.rework_count}
    return _("%(d)d working days overdue") % {"d": t["RED_OVERDUE_WORKING_DAYS"]}


# ---------------------------------------------------------------------------------------------
# Reading the facts, applying the rule


def all_exceptions() -> dict[datetime.date, bool]:
    """The calendar's exceptions: a few dozen rows a year, read once per sweep."""
    return dict(CalendarDay.objects.values_list("date", "is_workday"))


def _facts(appeal: Appeal, slips) -> Facts | None:
    if appeal.status not in HANDLING_STATUSES or appeal.deadline is None or appeal.window_start is None:
        return None
    blue = next(
        (s for s in slips if s.colour == Colour.BLUE and not s.manual and s.window_start == appeal.window_start), None
    )
    unacknowledged = blue.issued_at if blue and blue.acknowledged_at is None and blue.closed_at is None else None
    return Facts(appeal.window_start, appeal.deadline, appeal.rework_count, unacknowledged)


def _window_slips(appeal: Appeal) -> list[SupervisionSlip]:
    if appeal.window_start is None:
        return []
    return list(appeal.slips.filter(window_start=appeal.window_start, manual=False))


def appeal_next_check(appeal: Appeal, *, now=None, exceptions=None, slips=None) -> list[str]:
    """Set `appeal.next_check_at` from its current window (no save): called by the lifecycle
    services whenever the status, the window or the deadline changes. Returns the fields set."""
    now = now or timezone.now()
    slips = _window_slips(appeal) if slips is None else slips
    facts = _facts(appeal, slips)
    if facts is None:
        appeal.next_check_at = None
    else:
        exceptions = all_exceptions() if exceptions is None else exceptions
        issued = {s.colour for s in slips}
        due = set(colours_due(facts, now, exceptions)) - issued
        # A colour due now is issued by the next sweep: check at once.
        appeal.next_check_at = now if due else next_check(facts, now, exceptions, issued)
    return ["next_check_at"]


def _supervisors(node: GridNode | None):
    """The staff of the level supervising a case: a street office, or the command center."""
    if node is None or node.level == Level.DISTRICT:
        return post_holders(Role.COMMAND_CENTER)
    return post_holders(Role.STREET_OFFICE, Role.COMMUNITY, node=node)


def _bureau():
    return post_holders(Role.SUPERVISION)


def _unit_staff(appeal: Appeal):
    from .lifecycle import _unit_staff

    return _unit_staff(appeal)


def _one_step_up(appeal: Appeal) -> GridNode | None:
    """community → street → district; a department's case goes to the district."""
    if appeal.supervising_node is None and appeal.handling_department_id:
        return appeal.street.parent
    current = appeal.supervising_node or appeal.handling_node or appeal.street
    return current.parent if current.parent_id is not None else current


def _issue(appeal: Appeal, *, colour: str, reason: str, now, actor=None, manual: bool = False) -> SupervisionSlip:
    slip = SupervisionSlip(
        appeal=appeal,
        colour=colour,
        reason=reason[:300],
        manual=manual,
        window_start=appeal.window_start or appeal.created_at,
        issued_at=now,
        issued_by=actor,
        handling_department_id=appeal.handling_department_id,
        handling_node_id=appeal.handling_node_id,
    )
    recipients = list(_unit_staff(appeal))
    if colour == Colour.ORANGE:
        slip.escalated_to = _one_step_up(appeal)
        appeal.supervising_node = slip.escalated_to
        recipients += list(_supervisors(slip.escalated_to))
    elif colour == Colour.RED:
        slip.to_bureau = True
        recipients += list(_bureau())
    slip.save()
    _supersede(appeal, slip, now=now, actor=actor)
    from ..models import AppealEvent

    AppealEvent.objects.create(
        appeal=appeal,
        actor=actor,
        action="slip",
        from_status=appeal.status,
        to_status=appeal.status,
        note=slip.reason,
        data={"colour": colour, "slip": slip.pk, "manual": manual},
        at=now,
    )
    if COLOUR_RANK[appeal.colour] < COLOUR_RANK[colour]:
        appeal.colour = colour
    notification_send(
        recipients=recipients,
        kind=Notification.Kind.SLIP,
        title=_("#%(n)s: %(colour)s supervision slip") % {"n": appeal.pk, "colour": Colour(colour).label},
        body=slip.reason,
        url=f"/appeals/{appeal.pk}/",
        key=f"slip:{slip.pk}",
    )
    return slip


def _supersede(appeal: Appeal, slip: SupervisionSlip, *, now, actor=None) -> None:
    """One current slip per appeal (升级换单): a new slip replaces the appeal's open slips of its
    colour or below and every open slip of an earlier handling window; they stay on the
    appeal's record, closed as superseded. A slip below an open one of its window (the sweep's
    blue under a repeat's yellow) is covered by it and recorded closed at once."""
    rank = COLOUR_RANK[slip.colour]
    others = SupervisionSlip.objects.filter(appeal=appeal, closed_at__isnull=True).exclude(pk=slip.pk)
    higher = [c for c in LADDER if COLOUR_RANK[c] > rank]
    covering = others.filter(window_start=slip.window_start, colour__in=higher).order_by("-issued_at").first()
    if covering is not None:
        slip.closed_at, slip.closed_by = now, actor
        slip.close_note = _("covered by the open %(colour)s slip") % {"colour": Colour(covering.colour).label}
        slip.save(update_fields=["closed_at", "closed_by", "close_note"])
        return
    lower = [c for c in LADDER if COLOUR_RANK[c] <= rank]
    others.filter(Q(colour__in=lower) | ~Q(window_start=slip.window_start)).update(
        closed_at=now,
        closed_by=actor,
        close_note=(_("superseded by the %(colour)s slip") % {"colour": Colour(slip.colour).label})[:300],
    )


def slips_close_with_appeal(*, actor, appeal: Appeal, note: str) -> int:
    """Closing, merging or rejecting an appeal answers its open slips: they close in the same
    transaction, with what ended the appeal as their note. Called by the lifecycle services
    under the appeal's row lock."""
    return SupervisionSlip.objects.filter(appeal=appeal, closed_at__isnull=True).update(
        closed_at=appeal.closed_at or timezone.now(), closed_by=actor, close_note=note[:300]
    )


@transaction.atomic
def appeal_supervise(*, actor=None, appeal: Appeal | int, now=None, exceptions=None) -> list[SupervisionSlip]:
    """Issue the slips the rule calls for now on one appeal and set its next check. Under the
    row lock, so two sweeps at once serialise; the constraint is the backstop."""
    now = now or timezone.now()
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("handling_node", "supervising_node", "street")
        .filter(pk=pk)[:1]
    )
    appeal = appeal[0] if appeal else None
    if appeal is None:
        raise NotFound(_("No appeal %(n)s.") % {"n": pk})
    exceptions = all_exceptions() if exceptions is None else exceptions
    slips = _window_slips(appeal)
    facts = _facts(appeal, slips)
    issued = []
    if facts is not None:
        have = {s.colour for s in slips}
        for colour in colours_due(facts, now, exceptions):
            if colour not in have:
                issued.append(_issue(appeal, colour=colour, reason=_reason(colour, facts, now, exceptions), now=now))
    appeal_next_check(appeal, now=now, exceptions=exceptions, slips=[*slips, *issued])
    appeal.save(update_fields=["next_check_at", "colour", "supervising_node", "updated_at"])
    return issued


def slips_issue_due(*, now=None, limit: int | None = None) -> Counter:
    """The sweep: every appeal whose next check has passed, each in its own transaction (a
    failure on one leaves the others done). Returns the slips issued by colour."""
    now = now or timezone.now()
    limit = limit or thresholds()["SWEEP_BATCH"]
    exceptions = all_exceptions()
    counts: Counter = Counter()
    # Reads index appeal_next_check only: the appeals due now, not the table.
    due = list(
        Appeal.objects.filter(next_check_at__lte=now).order_by("next_check_at").values_list("pk", flat=True)[:limit]
    )
    pause = thresholds()["TEST_SLEEP_PER_APPEAL"]
    for pk in due:
        if pause:
            time.sleep(pause)
        for slip in appeal_supervise(appeal=pk, now=now, exceptions=exceptions):
            counts[slip.colour] += 1
    counts["appeals"] = len(due)
    return counts


def sweep_more_due(*, now=None) -> bool:
    return Appeal.objects.filter(next_check_at__lte=now or timezone.now()).exists()


# ---------------------------------------------------------------------------------------------
# Slips by hand, acknowledging and closing


def _check_issuer(actor) -> None:
    # No superuser bypass: administrators take no part in supervision (separation of duties).
    if actor is None:
        return
    if not scope_for(actor).has_role(*ISSUERS):
        raise NotAllowed(_("Only the command center and the supervision bureau issue slips."), code="role")


@transaction.atomic
def slip_issue(*, actor, appeal: Appeal | int, colour: str, reason: str) -> SupervisionSlip:
    """A slip by hand (command center, supervision bureau), on any open appeal."""
    _check_issuer(actor)
    if colour not in REASONS:
        raise InvalidInput(_("Choose blue, yellow, orange or red."), field="colour")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("The reason is required."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(_("The reason is at most 300 characters."), field="reason")
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("handling_node", "supervising_node", "street")
        .filter(pk=pk)
        .first()
    )
    if appeal is None:
        raise NotFound(_("No appeal %(n)s.") % {"n": pk})
    if not appeal.is_open:
        raise Conflict(_("Slips are issued on open appeals only."), code="closed")
    slip = _issue(appeal, colour=colour, reason=reason, now=timezone.now(), actor=actor, manual=True)
    appeal.save(update_fields=["colour", "supervising_node", "updated_at"])
    return slip


def slip_raise_for_repeat(*, actor, appeal: Appeal) -> SupervisionSlip | None:
    """A repeat appeal on an open case (docs/domain.md §4): a yellow slip for the window, once.
    Called by appeal_merge with the case's row already locked."""
    window = appeal.window_start or appeal.created_at
    if SupervisionSlip.objects.filter(appeal=appeal, window_start=window, colour=Colour.YELLOW, manual=False).exists():
        return None
    # An open slip of yellow or above already supervises the case: the repeat is on its record
    # (the `repeat` event) and a second slip would list the case twice on the board.
    above = [c for c in LADDER if COLOUR_RANK[c] >= COLOUR_RANK[Colour.YELLOW]]
    if SupervisionSlip.objects.filter(appeal=appeal, closed_at__isnull=True, colour__in=above).exists():
        return None
    return _issue(appeal, colour=Colour.YELLOW, reason=_("repeat appeal"), now=timezone.now(), actor=actor)


def _locked_slip(slip: SupervisionSlip | int) -> SupervisionSlip:
    pk = slip.pk if isinstance(slip, SupervisionSlip) else slip
    found = SupervisionSlip.objects.select_for_update(of=("self",)).select_related("appeal").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No slip %(n)s.") % {"n": pk})
    return found


def _may_acknowledge(actor, slip: SupervisionSlip) -> bool:
    scope = scope_for(actor)
    if scope.has_role(*ISSUERS):
        return True
    if slip.handling_department_id:
        return slip.handling_department_id in scope.department_ids
    return slip.handling_node_id is not None and scope.contains_node(slip.handling_node)


@transaction.atomic
def slip_acknowledge(*, actor, slip: SupervisionSlip | int) -> SupervisionSlip:
    """签收督办单: the handling unit has seen it (stops a blue slip turning yellow)."""
    slip = _locked_slip(slip)
    if not _may_acknowledge(actor, slip):
        raise NotAllowed(_("Only the handling unit or the supervisors may acknowledge this slip."))
    if slip.acknowledged_at or slip.closed_at:
        raise Conflict(_("The slip is already acknowledged."), code="acknowledged")
    slip.acknowledged_at, slip.acknowledged_by = timezone.now(), actor
    slip.save(update_fields=["acknowledged_at", "acknowledged_by"])
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=slip.appeal_id)
    appeal_next_check(appeal)
    appeal.save(update_fields=["next_check_at"])
    return slip


@transaction.atomic
def slip_close(*, actor, slip: SupervisionSlip | int, note: str = "") -> SupervisionSlip:
    """销单: the supervisors close a slip once it has been answered."""
    _check_issuer(actor)
    slip = _locked_slip(slip)
    if slip.closed_at:
        raise Conflict(_("The slip is already closed."), code="closed")
    slip.closed_at, slip.closed_by, slip.close_note = timezone.now(), actor, (note or "").strip()[:300]
    slip.save(update_fields=["closed_at", "closed_by", "close_note"])
    appeal = Appeal.objects.select_for_update(of=("self",)).get(pk=slip.appeal_id)
    appeal_next_check(appeal)
    appeal.save(update_fields=["next_check_at"])
    return slip


def slips_close_blue_for_extension(*, actor, appeal: Appeal) -> int:
    """An approved extension answers the window's open blue reminder: it is closed, so the
    yellow comes from the share of the extended window, not from the ignored reminder."""
    return SupervisionSlip.objects.filter(
        appeal=appeal, colour=Colour.BLUE, closed_at__isnull=True, window_start=appeal.window_start
    ).update(closed_at=timezone.now(), closed_by=actor, close_note=_("extension approved"))
