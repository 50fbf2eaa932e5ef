"""The indicators of docs/domain.md §6 and the scores made of them: what is counted, for
whom, and in how many queries. `services` stores them; the score pages ask `appeals_behind`
for the appeals behind each count, which filters by the same definitions.

Units. The appeals that count for a handling unit in a period are those dispatched to it (its
`handling_department`, or its `handling_node` when that node is a street or community) and
received in [start, end), except rejected and merged ones (they were never the unit's to
handle). Suspended cases do not exist in our lifecycle (docs/domain.md §4 has none), so there is
nothing further to exclude. Of those appeals:

- completed (办结): closed;            completion rate = completed / handled
- on time (按期): replied by the deadline; on-time rate = on time / handled
- rated: satisfied, basically satisfied or dissatisfied (unreachable is not a rating);
  satisfaction rate = (satisfied + basic) / rated
- reworked (返工): sent back at least once; rework rate = reworked / handled
- return-visited (回访): any satisfaction recorded; return-visit rate = that / completed
- extended: appeals with an approved extension (延期), however many
- slips by colour: issued in [start, end) to the unit, which is the unit that held the appeal
  when the slip was issued (`slip_counts` is the one place that reads them).

A rate with nothing to count (no appeals, no ratings) is 1: a unit is not marked down for what
did not happen. Unit score, floored at 0, with the weights of the period's rule set:
on_time × on-time + completion × completion + satisfaction × satisfaction
+ no_rework × (1 − rework) − yellow × yellow slips − orange × orange − red × red.

Grid staff (网格管理员, 网格协管员) holding a post on a grid on some day of the period:
- visit coverage: households of their grid(s) they visited / (households × monthly share ×
  months), capped at 1;
- reports filed: appeals with source "grid" they filed / (monthly target × months), capped;
- response time: services done on a resident's behalf (走访代办) they took on in the period
  and concluded within the rule's hours / all they took on (none: 1);
- diary: days with a diary entry / (monthly target × months), capped.
Staff score = Σ weight × rate.

Both `unit_indicators` and `staff_indicators` take a fixed number of queries whatever the
number of units, staff or appeals.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.roles import Role
from grids.models import Assignment, GridNode, Level
from petitions.models import Appeal, ExtensionStatus, Rating, Source, Status, SupervisionSlip

DEFAULT_WEIGHTS = {
    "on_time": Decimal("40"),
    "completion": Decimal("20"),
    "satisfaction": Decimal("30"),
    "no_rework": Decimal("10"),
    "yellow": Decimal("0.2"),
    "orange": Decimal("0.5"),
    "red": Decimal("1"),
}
STAFF_ROLES = (Role.GRID_MANAGER, Role.GRID_ASSISTANT)
UNIT_LEVELS = (Level.STREET, Level.COMMUNITY)
COLOURS = ("blue", "yellow", "orange", "red")
CENT = Decimal("0.01")

# What each appeal count is, as a filter on the unit's appeals: the aggregate and the
# drill-down lists both read these, so the list behind a number always has that many rows.
APPEAL_COUNTS: dict[str, Q] = {
    "handled": Q(),
    "completed": Q(status=Status.CLOSED),
    "on_time": Q(replied_at__isnull=False, replied_at__lte=F("deadline")),
    "rated": Q(satisfaction__in=[Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED]),
    "satisfied": Q(satisfaction__in=[Rating.SATISFIED, Rating.BASIC]),
    "reworked": Q(rework_count__gt=0),
    "return_visited": ~Q(satisfaction=""),
    "extensions": Q(extensions__status=ExtensionStatus.APPROVED),
}


def bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """A period's local dates [start, end) as aware datetimes (local midnights)."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return midnight(start), midnight(end)


@dataclass(frozen=True)
class UnitKey:
    kind: str  # "department" | "street" | "community"
    id: int


@dataclass
class UnitCounts:
    handled: int = 0
    completed: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    reworked: int = 0
    return_visited: int = 0
    extensions: int = 0
    slips: dict = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal:
        return Decimal(part) / Decimal(whole) if whole else Decimal(1)

    @property
    def on_time_rate(self) -> Decimal:
        return self._rate(self.on_time, self.handled)

    @property
    def completion_rate(self) -> Decimal:
        return self._rate(self.completed, self.handled)

    @property
    def satisfaction_rate(self) -> Decimal:
        return self._rate(self.satisfied, self.rated)

    @property
    def rework_rate(self) -> Decimal:
        return Decimal(self.reworked) / Decimal(self.handled) if self.handled else Decimal(0)

    @property
    def return_visit_rate(self) -> Decimal:
        return self._rate(self.return_visited, self.completed)


def unit_score(counts: UnitCounts, weights: dict = DEFAULT_WEIGHTS) -> Decimal:
    """The unit score, rounded to two places, never below 0."""
    score = (
        weights["on_time"] * counts.on_time_rate
        + weights["completion"] * counts.completion_rate
        + weights["satisfaction"] * counts.satisfaction_rate
        + weights["no_rework"] * (1 - counts.rework_rate)
        - weights["yellow"] * counts.slips["yellow"]
        - weights["orange"] * counts.slips["orange"]
        - weights["red"] * counts.slips["red"]
    )
    return max(Decimal(0), score).quantize(CENT, rounding=ROUND_HALF_UP)


def _unit_of(department_id, node_id, levels: dict[int, int]) -> UnitKey | None:
    if department_id:
        return UnitKey("department", department_id)
    level = levels.get(node_id)
    if level == Level.STREET:
        return UnitKey("street", node_id)
    if level == Level.COMMUNITY:
        return UnitKey("community", node_id)
    return None


def slip_counts(start: datetime.datetime, end: datetime.datetime) -> dict[UnitKey, dict[str, int]]:
    """Supervision slips (督办单) issued to each handling unit in [start, end), by colour, in
    one grouped query."""
    rows = (
        SupervisionSlip.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .values("handling_department_id", "handling_node_id", "handling_node__level", "colour")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[UnitKey, dict[str, int]] = {}
    for row in rows:
        key = _unit_of(
            row["handling_department_id"],
            row["handling_node_id"],
            {row["handling_node_id"]: row["handling_node__level"]},
        )
        if key is not None:
            by_colour = counts.setdefault(key, dict.fromkeys(COLOURS, 0))
            by_colour[row["colour"]] += row["n"]
    return counts


def _period_appeals(start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    return (
        Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .filter(Q(handling_department__isnull=False) | Q(handling_node__isnull=False))
    )


def unit_indicators(start: datetime.datetime, end: datetime.datetime) -> dict[UnitKey, UnitCounts]:
    """Every handling unit's counts for appeals received in [start, end): three queries (the
    grouped appeal counts, the levels of the nodes named, the slips)."""
    # distinct: the join to the extension requests repeats an appeal once per request.
    aggregates = {name: Count("id", filter=q, distinct=True) for name, q in APPEAL_COUNTS.items()}
    rows = list(
        _period_appeals(start, end)
        .values("handling_department_id", "handling_node_id")
        .annotate(**aggregates)
        .order_by()
    )
    node_ids = {r["handling_node_id"] for r in rows if r["handling_node_id"]}
    levels = dict(GridNode.objects.filter(pk__in=node_ids).values_list("id", "level"))
    out: dict[UnitKey, UnitCounts] = {}
    for r in rows:
        key = _unit_of(r["handling_department_id"], r["handling_node_id"], levels)
        if key is None:
            continue
        counts = out.setdefault(key, UnitCounts())
        for name in APPEAL_COUNTS:
            setattr(counts, name, getattr(counts, name) + r[name])
    for key, slips in slip_counts(start, end).items():
        out.setdefault(key, UnitCounts()).slips.update(slips)
    return out


def _unit_q(key: UnitKey, department: str, node: str) -> Q:
    return Q(**{f"{department}_id": key.id}) if key.kind == "department" else Q(**{f"{node}_id": key.id})


def appeals_behind(key: UnitKey, count: str, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """The appeals behind one count of a unit's score: one of APPEAL_COUNTS, or a slip colour
    (the appeals the unit's slips of that colour were issued on)."""
    if count in COLOURS:
        slips = SupervisionSlip.objects.filter(
            _unit_q(key, "handling_department", "handling_node"), colour=count, issued_at__gte=start, issued_at__lt=end
        )
        return Appeal.objects.filter(pk__in=slips.values("appeal_id"))
    appeals = _period_appeals(start, end).filter(_unit_q(key, "handling_department", "handling_node"))
    appeals = appeals.filter(APPEAL_COUNTS[count])
    return appeals.distinct() if count == "extensions" else appeals


def grid_reports(since: datetime.datetime, until: datetime.datetime) -> QuerySet:
    """The grid workers' own reports (网格员上报) received in [since, until): what "reports
    filed" counts, for the staff indicators and the list behind the count alike."""
    return Appeal.objects.filter(source=Source.GRID, created_at__gte=since, created_at__lt=until)


@dataclass
class StaffCounts:
    user_id: int
    role: str
    node_id: int  # the first of their grids by code
    name: str
    unit_ids: set = field(default_factory=set)  # every unit grid of every grid they held
    households: int = 0
    visited: int = 0
    reports: int = 0
    services: int = 0
    services_on_time: int = 0
    diary_days: int = 0


def _capped(part: int, target: Decimal) -> Decimal:
    return min(Decimal(1), Decimal(part) / target) if target > 0 else Decimal(1)


def staff_rates(counts: StaffCounts, rules, months: int) -> dict[str, Decimal]:
    return {
        "visit_coverage": _capped(counts.visited, counts.households * rules.visit_share * months),
        "reports": _capped(counts.reports, Decimal(rules.reports_target * months)),
        "response": _capped(counts.services_on_time, Decimal(counts.services)),
        "diary": _capped(counts.diary_days, Decimal(rules.diary_target * months)),
    }


def staff_score(counts: StaffCounts, rules, months: int) -> Decimal:
    rates = staff_rates(counts, rules, months)
    score = sum((getattr(rules, name) * rate for name, rate in rates.items()), Decimal(0))
    return score.quantize(CENT, rounding=ROUND_HALF_UP)


def staff_indicators(start: datetime.date, end: datetime.date, rules) -> dict[tuple[int, str], StaffCounts]:
    """Every grid manager's and assistant's counts for [start, end), keyed by (user, role):
    seven queries whatever the number of staff."""
    from residents.models import Household
    from visits.models import DiaryEntry, ProxyService, Visit

    since, until = bounds(start, end)
    units_of: dict[int, list[int]] = {}
    for unit_id, parent_id in GridNode.objects.filter(level=Level.UNIT_GRID).values_list("id", "parent_id"):
        units_of.setdefault(parent_id, []).append(unit_id)
        units_of.setdefault(unit_id, []).append(unit_id)
    posts = (
        Assignment.objects.overlapping(start, end)
        .filter(role__in=STAFF_ROLES, node__isnull=False)
        .values_list("user_id", "role", "node_id", "user__name", "user__username")
        .order_by("node__code")
    )
    staff: dict[tuple[int, str], StaffCounts] = {}
    for user_id, role, node_id, name, username in posts:
        counts = staff.setdefault((user_id, role), StaffCounts(user_id, role, node_id, name or username))
        counts.unit_ids.update(units_of.get(node_id, ()))
    households = dict(Household.objects.values("unit_grid_id").annotate(n=Count("id")).values_list("unit_grid_id", "n"))
    # A household lies in one unit grid, so distinct households per (visitor, unit grid) add up.
    visited: dict[int, dict[int, int]] = {}
    for visitor_id, unit_id, n in (
        Visit.objects.filter(visited_on__gte=start, visited_on__lt=end)
        .values("visitor_id", "unit_grid_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("visitor_id", "unit_grid_id", "n")
        .order_by()
    ):
        visited.setdefault(visitor_id, {})[unit_id] = n
    reports = dict(
        grid_reports(since, until)
        .filter(created_by__isnull=False)
        .values("created_by_id")
        .annotate(n=Count("id"))
        .values_list("created_by_id", "n")
        .order_by()
    )
    in_time = Q(done_at__isnull=False, done_at__lte=F("created_at") + datetime.timedelta(hours=rules.response_hours))
    services = {
        row["handled_by_id"]: row
        for row in ProxyService.objects.filter(created_at__gte=since, created_at__lt=until)
        .values("handled_by_id")
        .annotate(n=Count("id"), on_time=Count("id", filter=in_time))
        .order_by()
    }
    diary = dict(
        DiaryEntry.objects.filter(date__gte=start, date__lt=end)
        .values("author_id")
        .annotate(days=Count("date", distinct=True))
        .values_list("author_id", "days")
        .order_by()
    )
    for counts in staff.values():
        counts.households = sum(households.get(u, 0) for u in counts.unit_ids)
        mine = visited.get(counts.user_id, {})
        counts.visited = sum(mine.get(u, 0) for u in counts.unit_ids)
        counts.reports = reports.get(counts.user_id, 0)
        row = services.get(counts.user_id, {"n": 0, "on_time": 0})
        counts.services, counts.services_on_time = row["n"], row["on_time"]
        counts.diary_days = diary.get(counts.user_id, 0)
    return staff
