"""Reads of the assessment, scoped: a user sees the scores of the units and staff inside their
own scope (the district sees all; a street its street, its communities and their grid staff; a
department itself; a grid worker their own score and those of the grids below theirs)."""

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import scope_for

from .models import Period, PeriodStatus, RuleSet, ScoringRun, StaffScore, UnitKind, UnitScore

STAFF_ROLE_NAMES = {Role.GRID_MANAGER: Role.GRID_MANAGER.label, Role.GRID_ASSISTANT: Role.GRID_ASSISTANT.label}


def unit_scores(user) -> QuerySet:
    scope = scope_for(user)
    qs = UnitScore.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.node_q("node__") | scope.department_q("department_id"))
    return qs


def staff_scores(user) -> QuerySet:
    scope = scope_for(user)
    qs = StaffScore.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.node_q("node__") | Q(user=user))
    return qs


def closed_periods(kind: str | None = None) -> QuerySet:
    qs = Period.objects.filter(status=PeriodStatus.CLOSED).select_related("current_run", "rules")
    return qs.filter(kind=kind) if kind else qs


def run_rankings(run: ScoringRun, *, top: int | None = None) -> list[tuple[str, list]]:
    """Every level's ranking of one run, unscoped (the command line and exports of the district)."""
    out = []
    for kind, label in UnitKind.choices:
        rows = run.unit_scores.filter(kind=kind).order_by("rank", "name")
        out.append((_("Units: %(level)s") % {"level": label}, list(rows[:top] if top else rows)))
    for role, label in STAFF_ROLE_NAMES.items():
        rows = run.staff_scores.filter(role=role).order_by("rank", "name")
        out.append((str(label), list(rows[:top] if top else rows)))
    return out


# The levels a ranking can show: the unit kinds, then the grid staff roles.
LEVELS: tuple[str, ...] = (*UnitKind.values, *STAFF_ROLE_NAMES)
TREND_PERIODS = 12


def level_label(level: str) -> str:
    if level in UnitKind.values:
        return str(UnitKind(level).label)
    return str(STAFF_ROLE_NAMES[level])


def is_staff_level(level: str) -> bool:
    return level in STAFF_ROLE_NAMES


def closed_period(label: str) -> Period | None:
    """A closed period by label, with its current run, the run's author and its rule set."""
    return (
        Period.objects.filter(status=PeriodStatus.CLOSED, label=label)
        .select_related("current_run__computed_by", "current_run__rules", "rules")
        .first()
    )


def default_period() -> Period | None:
    """The latest closed month, else the latest closed quarter."""
    for kind in ("month", "quarter"):
        period = closed_periods(kind).order_by("-start").first()
        if period is not None:
            return closed_period(period.label)
    return None


def ranking(user, period: Period, level: str) -> QuerySet:
    """One level's rows of a period's current run that the user may see, in rank order."""
    if is_staff_level(level):
        qs = staff_scores(user).filter(run_id=period.current_run_id, role=level)
        qs = qs.select_related("node").defer("node__boundary")
    else:
        qs = unit_scores(user).filter(run_id=period.current_run_id, kind=level)
    return qs.order_by("rank", "name", "pk")


def level_size(period: Period, level: str) -> int:
    """How many rows the level has in the current run, whoever looks: a rank is 'of' this."""
    if is_staff_level(level):
        return StaffScore.objects.filter(run_id=period.current_run_id, role=level).count()
    return UnitScore.objects.filter(run_id=period.current_run_id, kind=level).count()


def recent_periods(kind: str, *, until: Period | None = None, n: int = TREND_PERIODS) -> list[Period]:
    """The last `n` closed periods of a kind (up to `until`), oldest first."""
    qs = closed_periods(kind)
    if until is not None:
        qs = qs.filter(start__lte=until.start)
    return list(reversed(qs.order_by("-start")[:n]))


def level_trends(user, periods: list[Period]) -> dict[str, list[tuple[str, float | None]]]:
    """The average score the user can see, per level, across `periods`: two grouped queries."""
    runs = {p.current_run_id: p.label for p in periods}
    averages: dict[tuple[str, str], float] = {}
    for run_id, level, avg in (
        unit_scores(user).filter(run_id__in=runs).values("run_id", "kind").annotate(a=Avg("score")).order_by()
    ).values_list("run_id", "kind", "a"):
        averages[(runs[run_id], level)] = float(avg)
    for run_id, level, avg in (
        staff_scores(user).filter(run_id__in=runs).values("run_id", "role").annotate(a=Avg("score")).order_by()
    ).values_list("run_id", "role", "a"):
        averages[(runs[run_id], level)] = float(avg)
    return {level: [(p.label, averages.get((p.label, level))) for p in periods] for level in LEVELS}


def unit_score_card(user, period: Period, kind: str, unit_id: int) -> UnitScore | None:
    """A unit's row in the period's current run, if the user may see it."""
    if kind not in UnitKind.values:
        return None
    unit = Q(department_id=unit_id) if kind == UnitKind.DEPARTMENT else Q(node_id=unit_id)
    return (
        unit_scores(user)
        .filter(unit, run_id=period.current_run_id, kind=kind)
        .select_related("run__rules", "run__computed_by")
        .first()
    )


def unit_trend(score: UnitScore, periods: list[Period]) -> list[tuple[str, float | None]]:
    """The unit's own score across `periods` (None where it had nothing to score)."""
    runs = {p.current_run_id: p.label for p in periods}
    unit = Q(department_id=score.department_id) if score.department_id else Q(node_id=score.node_id)
    found = dict(UnitScore.objects.filter(unit, run_id__in=runs, kind=score.kind).values_list("run_id", "score"))
    return [(p.label, float(found[p.current_run_id]) if p.current_run_id in found else None) for p in periods]


def staff_score_card(user, period: Period, pk: int) -> StaffScore | None:
    """A grid worker's row of the period (any of its runs), if the user may see it."""
    return (
        staff_scores(user)
        .filter(pk=pk, run__period=period)
        .select_related("run__period", "run__rules", "run__computed_by", "node", "user")
        .defer("node__boundary")
        .first()
    )


def staff_trend(score: StaffScore, periods: list[Period]) -> list[tuple[str, float | None]]:
    runs = {p.current_run_id: p.label for p in periods}
    mine = StaffScore.objects.filter(user_id=score.user_id, role=score.role, run_id__in=runs)
    found = dict(mine.values_list("run_id", "score"))
    return [(p.label, float(found[p.current_run_id]) if p.current_run_id in found else None) for p in periods]


def run_history(period: Period) -> QuerySet:
    return period.runs.select_related("computed_by", "rules").order_by("-number")


def staff_reports(score: StaffScore) -> QuerySet:
    """The grid reports behind a worker's `reports` count (indicators.grid_reports)."""
    from .indicators import bounds, grid_reports

    since, until = bounds(score.run.period.start, score.run.period.end)
    return (
        grid_reports(since, until)
        .filter(created_by_id=score.user_id)
        .select_related("module")
        .order_by("created_at", "pk")
    )


def rule_sets() -> list:
    """Every rule set, newest first, with how many periods were scored with it."""
    qs = RuleSet.objects.select_related("created_by").annotate(used=Count("periods"))
    return list(qs.order_by("-effective_from"))
