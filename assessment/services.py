"""Every write of the assessment: rule sets, scoring a period, recomputing one.

A period is scored once (by the monthly task, `manage.py score_period` or a bureau officer),
with the rule set in force on its first day, and is then closed. Only `period_recompute`, by
someone with the right and with a reason, scores it again: that is a new run beside the old
ones, with the same rule set, so later rule changes never reach a closed period.
"""

import datetime
import re
import time
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Notification
from accounts.roles import Role
from accounts.scopes import require_role
from accounts.services import notification_send
from audit import services as audit
from gridgov.dates import check_date, check_year
from gridgov.errors import Conflict, InvalidInput, NotAllowed
from gridgov.numbers import ascii_digits
from gridgov.workflow import Move, Workflow
from grids.models import Department, GridNode
from grids.selectors import post_holders

from . import indicators
from .models import (
    SLIP_DEDUCTIONS,
    STAFF_WEIGHTS,
    SYSTEM_START,
    UNIT_WEIGHTS,
    Period,
    PeriodKind,
    PeriodStatus,
    RuleSet,
    ScoringRun,
    StaffScore,
    UnitScore,
)

DEFAULT_FROM = SYSTEM_START
REASON_MAX = 300  # ScoringRun.reason
RULE_EDITORS = (Role.SUPERVISION, Role.ADMIN)


SCORERS = (Role.SUPERVISION, Role.COMMAND_CENTER, Role.ADMIN)
RECOMPUTERS = (Role.SUPERVISION, Role.ADMIN)

# The one table of a period's workflow. Scoring by the system (actor None) is the monthly task;
# a recomputation needs a named actor and a reason.
WORKFLOW = Workflow(
    "assessment period",
    PeriodStatus.values,
    [
        Move("score", PeriodStatus.PENDING, PeriodStatus.CLOSED, SCORERS),
        Move("recompute", PeriodStatus.CLOSED, PeriodStatus.CLOSED, RECOMPUTERS, needs=("reason",)),
    ],
)
TRANSITIONS: dict[tuple[str, str], Move] = WORKFLOW.table
ACTION_NAMES = {"score": gettext_lazy("score a period"), "recompute": gettext_lazy("recompute a closed period")}


LABEL = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def period_bounds(label: str) -> tuple[str, datetime.date, datetime.date]:
    """'2026-05' → a month, '2026-Q2' → a quarter: (kind, first day, first day after)."""
    match = LABEL.match(label.strip().upper())
    if not match:
        raise InvalidInput(
            _("“%(label)s” is not a period: write a month as YYYY-MM (2026-05) or a quarter as YYYY-Qn (2026-Q2).")
            % {"label": label},
            field="period",
        )
    year, month, quarter = match.groups()
    check_year(int(year), field="period")
    first = int(month) if month else 3 * int(quarter) - 2
    start = datetime.date(int(year), first, 1)
    length = 1 if month else 3
    end_month = first + length
    end = datetime.date(int(year) + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return (PeriodKind.MONTH if month else PeriodKind.QUARTER), start, end


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m}"


def rules_in_force(day: datetime.date) -> RuleSet:
    rules = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rules is None:
        raise Conflict(_("No scoring rule set is in force on %(day)s.") % {"day": day})
    return rules


def rules_default_ensure() -> RuleSet:
    """The default rule set of docs/domain.md §6 (the model's defaults), in force from the start, if
    no rule set is: what the data migration made, again after `seed_district --reset`."""
    rules = RuleSet.objects.order_by("effective_from").first()
    return rules or RuleSet.objects.create(effective_from=DEFAULT_FROM)


def _label(name: str) -> str:
    return str(RuleSet._meta.get_field(name).verbose_name)


def _number(values: dict, name: str, places: str) -> Decimal:
    """A rule's decimal value from `values` (the model's default when absent), or a refusal."""
    raw = values.get(name, RuleSet._meta.get_field(name).default)
    try:
        value = Decimal(ascii_digits(raw, field=name).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(_("%(field)s must be a number.") % {"field": _label(name)}, field=name)
    return value.quantize(Decimal(places))


def ruleset_create(*, actor, effective_from: datetime.date, values: dict, note: str = "") -> RuleSet:
    """A new rule set, in force from `effective_from`. It may not reach back into a period
    already scored: closed periods keep the rule they were scored with."""
    require_role(actor, *RULE_EDITORS, action=_("change the scoring rules"))
    check_date(effective_from, field="effective_from")
    note = note.strip()
    if len(note) > RuleSet._meta.get_field("note").max_length:
        raise InvalidInput(_("Keep the note under 200 characters."), field="note")
    clean: dict = {}
    for name in (*UNIT_WEIGHTS, *SLIP_DEDUCTIONS, *STAFF_WEIGHTS):
        value = _number(values, name, "0.01")
        if not 0 <= value <= 100:
            raise InvalidInput(_("%(field)s must be between 0 and 100.") % {"field": _label(name)}, field=name)
        clean[name] = value
    for group, label in (
        (UNIT_WEIGHTS, _("The unit score's weights")),
        (STAFF_WEIGHTS, _("The staff score's weights")),
    ):
        total = sum(clean[name] for name in group)
        if total != 100:
            raise InvalidInput(
                _("%(what)s add up to %(total)s; they must add up to 100.") % {"what": label, "total": total},
                field=group[0],
            )
    share = _number(values, "visit_share", "0.001")
    if not 0 < share <= 1:
        raise InvalidInput(_("The monthly visit share must be above 0 and at most 1."), field="visit_share")
    clean["visit_share"] = share
    for name in ("reports_target", "response_hours", "diary_target"):
        raw = values.get(name, RuleSet._meta.get_field(name).default)
        if not str(raw).isdigit() or not 0 < int(raw) <= 1000:
            raise InvalidInput(
                _("%(field)s must be a whole number from 1 to 1000.") % {"field": _label(name)}, field=name
            )
        clean[name] = int(raw)
    with transaction.atomic():
        last_closed = Period.objects.filter(status=PeriodStatus.CLOSED).order_by("-end").first()
        if last_closed and effective_from < last_closed.end:
            raise Conflict(
                _("%(period)s is already scored; new rules can take effect from %(day)s at the earliest.")
                % {"period": last_closed.label, "day": last_closed.end},
                field="effective_from",
            )
        if RuleSet.objects.filter(effective_from=effective_from).exists():
            raise Conflict(
                _("A rule set already takes effect on %(day)s.") % {"day": effective_from}, field="effective_from"
            )
        rules = RuleSet.objects.create(effective_from=effective_from, note=note, created_by=actor, **clean)
        audit.record(
            actor=actor,
            action="create",
            obj=rules,
            changes=audit.created(rules, ("effective_from", *clean)),
            reason=note,
        )
        return rules


def _check(period: Period, action: str, actor, reason: str) -> Move:
    move = WORKFLOW.move(period.status, action)
    if move is None:
        if action == "score":
            raise Conflict(
                _("%(period)s is already scored. Recomputing it is a separate, logged action.")
                % {"period": period.label}
            )
        raise Conflict(_("%(period)s has not been scored yet; score it first.") % {"period": period.label})
    needs_reason = "reason" in move.needs
    if needs_reason and actor is None:
        raise NotAllowed(_("A recomputation must name the person who asks for it."))
    require_role(actor, *move.roles, action=ACTION_NAMES[action])
    if needs_reason and not reason.strip():
        raise InvalidInput(_("Say why the period is recomputed."), field="reason")
    if len(reason.strip()) > REASON_MAX:
        raise InvalidInput(_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}, field="reason")
    return move


def period_score(*, actor, label: str, today: datetime.date | None = None) -> ScoringRun:
    """Score a period that has ended, store the scores and the counts, and close it."""
    kind, start, end = period_bounds(label)
    today = today or timezone.localdate()
    if end > today:
        raise Conflict(
            _("%(period)s has not ended yet; it can be scored from %(day)s.") % {"period": label, "day": end},
            field="period",
        )
    with transaction.atomic():
        period, _created = Period.objects.get_or_create(
            label=period_label(kind, start), defaults={"kind": kind, "start": start, "end": end}
        )
        # Two workers scoring the same period: the second waits here, then finds it closed.
        period = Period.objects.select_for_update().get(pk=period.pk)
        move = _check(period, "score", actor, "")
        period.rules = rules_in_force(start)
        return _run(period, move, actor=actor, reason="")


def period_recompute(*, actor, label: str, reason: str) -> ScoringRun:
    """Score a closed period again, with the rule set it was scored with, as a new run that
    names who asked and why. The earlier runs stay as they were."""
    kind, start, _end = period_bounds(label)
    with transaction.atomic():
        period = Period.objects.select_for_update().filter(label=period_label(kind, start)).first()
        if period is None:
            raise Conflict(_("%(period)s has not been scored yet; score it first.") % {"period": label})
        move = _check(period, "recompute", actor, reason)
        return _run(period, move, actor=actor, reason=reason.strip())


def _ranked(rows: list, group) -> None:
    """Competition ranking (1, 2, 2, 4) by score within each group."""
    rows.sort(key=lambda r: (group(r), -r.score, r.name))
    position = 0
    for i, row in enumerate(rows):
        same_group = i > 0 and group(rows[i - 1]) == group(row)
        position = position + 1 if same_group else 1
        row.rank = rows[i - 1].rank if same_group and rows[i - 1].score == row.score else position


def _run(period: Period, move: Move, *, actor, reason: str) -> ScoringRun:
    started = time.monotonic()
    rules = period.rules
    number = (period.runs.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    run = ScoringRun.objects.create(period=period, number=number, rules=rules, computed_by=actor, reason=reason)

    since, until = indicators.bounds(period.start, period.end)
    units = indicators.unit_indicators(since, until)
    # All of them, not the ones named: an empty pk__in list would skip its query, and the
    # query count must not depend on the data.
    departments = dict(Department.objects.values_list("id", "name"))
    nodes = dict(GridNode.objects.filter(level__in=indicators.UNIT_LEVELS).values_list("id", "name"))
    weights = rules.unit_weights
    unit_rows = [
        UnitScore(
            run=run,
            kind=key.kind,
            department_id=key.id if key.kind == "department" else None,
            node_id=None if key.kind == "department" else key.id,
            name=(departments if key.kind == "department" else nodes).get(key.id, ""),
            **{name: getattr(c, name) for name in indicators.APPEAL_COUNTS},
            **c.slips,
            score=indicators.unit_score(c, weights),
            rank=0,
        )
        for key, c in units.items()
    ]
    _ranked(unit_rows, lambda r: r.kind)
    UnitScore.objects.bulk_create(unit_rows)

    staff = indicators.staff_indicators(period.start, period.end, rules)
    staff_rows = [
        StaffScore(
            run=run,
            user_id=c.user_id,
            role=c.role,
            node_id=c.node_id,
            name=c.name,
            households=c.households,
            visited=c.visited,
            reports=c.reports,
            services=c.services,
            services_on_time=c.services_on_time,
            diary_days=c.diary_days,
            score=indicators.staff_score(c, rules, period.months),
            rank=0,
        )
        for c in staff.values()
    ]
    _ranked(staff_rows, lambda r: r.role)
    StaffScore.objects.bulk_create(staff_rows)

    run.seconds = round(time.monotonic() - started, 3)
    run.save(update_fields=["seconds"])
    period.status = move.to
    period.current_run = run
    period.save(update_fields=["status", "rules", "current_run"])
    _announce(run, unit_rows)
    return run


def _announce(run: ScoringRun, unit_rows: list[UnitScore]) -> None:
    """One notice to everyone scored (the officers of each unit, each grid worker) and to the
    supervision bureau: their rankings page opens on their own level. Two queries however
    many are scored."""
    node_ids = sorted({r.node_id for r in unit_rows if r.node_id})
    department_ids = sorted({r.department_id for r in unit_rows if r.department_id})
    recipients = (
        post_holders(Role.STREET_OFFICE, Role.COMMUNITY, nodes=node_ids)
        | post_holders(Role.DEPARTMENT, departments=department_ids)
        | post_holders(Role.SUPERVISION)
        | get_user_model().objects.filter(pk__in=run.staff_scores.values("user_id"))
    )
    label = run.period.label
    if run.number == 1:
        title = _("Scores of %(period)s are out") % {"period": label}
        body = _("Your score and rank for %(period)s are on the assessment page.") % {"period": label}
    else:
        title = _("%(period)s recomputed (run %(number)s)") % {"period": label, "number": run.number}
        body = run.reason
    notification_send(
        recipients=recipients,
        kind=Notification.Kind.SCORES,
        title=title,
        body=body,
        url=f"{reverse('assessment-home')}?period={label}",
        key=f"scores:{label}:{run.number}",
    )


def due_labels(today: datetime.date) -> list[str]:
    """The periods that ended by `today`: last month, and last quarter when one just ended."""
    first = today.replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).replace(day=1)
    labels = [period_label(PeriodKind.MONTH, last_month)]
    if first.month in (1, 4, 7, 10):
        labels.append(period_label(PeriodKind.QUARTER, last_month.replace(month=last_month.month - 2)))
    return labels


def periods_score_due(*, today: datetime.date | None = None) -> list[str]:
    """What the monthly task does: score the periods that just ended and are not scored yet.
    Safe to run twice: a closed period is left alone."""
    today = today or timezone.localdate()
    scored = []
    for label in due_labels(today):
        if not Period.objects.filter(label=label, status=PeriodStatus.CLOSED).exists():
            try:
                period_score(actor=None, label=label, today=today)
            except Conflict:
                continue  # another worker closed it meanwhile
            scored.append(label)
    return scored
