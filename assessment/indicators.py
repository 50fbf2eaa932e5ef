"""Unit indicators for a period and the default unit score (DESIGN.md section 6).

Which appeals count for a unit in a period (a reading of section 6 to be confirmed by the
lead): the appeals dispatched to it (its `handling_department`, or its `handling_node` when
that node is a street or community) and received in [start, end), except rejected and merged
ones (they were never the unit's to handle). Of those:

- completed (办结): closed;            completion rate = completed / handled
- on time (按期): replied by the deadline; on-time rate = on time / handled
- rated: satisfaction satisfied, basic or dissatisfied (unreachable is not a rating);
  satisfaction rate = (satisfied + basic) / rated
- reworked (返工): rework_count > 0;    rework rate = reworked / handled
- return-visited (回访): any satisfaction recorded; return-visit rate = that / completed
- extensions: approved extension requests of those appeals
- slips by colour: from `slip_counts`, the one place that reads the supervision slips.

A rate with nothing to count (no appeals, no ratings) is 1: a unit is not marked down for
what did not happen. Default score, floored at 0:
40 × on-time + 20 × completion + 30 × satisfaction + 10 × (1 − rework)
− 0.2 per yellow − 0.5 per orange − 1 per red slip.

`unit_indicators` takes a fixed number of queries whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from grids.models import GridNode, Level
from petitions.models import Appeal, ExtensionStatus, Rating, Status, SupervisionSlip

DEFAULT_WEIGHTS = {
    "on_time": Decimal("40"),
    "completion": Decimal("20"),
    "satisfaction": Decimal("30"),
    "no_rework": Decimal("10"),
    "yellow": Decimal("0.2"),
    "orange": Decimal("0.5"),
    "red": Decimal("1"),
}
UNIT_LEVELS = (Level.STREET, Level.COMMUNITY)


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
    slips: dict = field(default_factory=lambda: {"blue": 0, "yellow": 0, "orange": 0, "red": 0})

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
    """The default unit score, rounded to two places, never below 0."""
    score = (
        weights["on_time"] * counts.on_time_rate
        + weights["completion"] * counts.completion_rate
        + weights["satisfaction"] * counts.satisfaction_rate
        + weights["no_rework"] * (1 - counts.rework_rate)
        - weights["yellow"] * counts.slips["yellow"]
        - weights["orange"] * counts.slips["orange"]
        - weights["red"] * counts.slips["red"]
    )
    return max(Decimal(0), score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def slip_counts(start: datetime.datetime, end: datetime.datetime) -> dict[UnitKey, dict[str, int]]:
    """Supervision slips (督办单) issued to each handling unit in [start, end), by colour: the
    one place the assessment reads slips, in one grouped query. A slip counts against the
    unit that held the appeal when it was issued."""

    rows = (
        SupervisionSlip.objects.filter(issued_at__gte=start, issued_at__lt=end)
        .values("handling_department_id", "handling_node_id", "handling_node__level", "colour")
        .annotate(n=Count("id"))
    )
    counts: dict[UnitKey, dict[str, int]] = {}
    for row in rows:
        key = _unit_of(
            row["handling_department_id"],
            row["handling_node_id"],
            {row["handling_node_id"]: row["handling_node__level"]},
        )
        if key is not None:
            by_colour = counts.setdefault(key, {})
            by_colour[row["colour"]] = by_colour.get(row["colour"], 0) + row["n"]
    return counts


def _unit_of(department_id, node_id, levels: dict[int, int]) -> UnitKey | None:
    if department_id:
        return UnitKey("department", department_id)
    level = levels.get(node_id)
    if level == Level.STREET:
        return UnitKey("street", node_id)
    if level == Level.COMMUNITY:
        return UnitKey("community", node_id)
    return None


def unit_indicators(start: datetime.datetime, end: datetime.datetime) -> dict[UnitKey, UnitCounts]:
    """Every handling unit's counts for appeals received in [start, end): three queries (the
    grouped appeal counts, the levels of the nodes named, the slips)."""
    appeals = (
        Appeal.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=[Status.REJECTED, Status.MERGED])
        .filter(Q(handling_department__isnull=False) | Q(handling_node__isnull=False))
    )
    rows = list(
        appeals.values("handling_department_id", "handling_node_id")
        .annotate(
            handled=Count("id", distinct=True),
            completed=Count("id", filter=Q(status=Status.CLOSED), distinct=True),
            on_time=Count("id", filter=Q(replied_at__isnull=False, replied_at__lte=F("deadline")), distinct=True),
            rated=Count(
                "id",
                filter=Q(satisfaction__in=[Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED]),
                distinct=True,
            ),
            satisfied=Count("id", filter=Q(satisfaction__in=[Rating.SATISFIED, Rating.BASIC]), distinct=True),
            reworked=Count("id", filter=Q(rework_count__gt=0), distinct=True),
            return_visited=Count("id", filter=~Q(satisfaction=""), distinct=True),
            extensions=Count("extensions", filter=Q(extensions__status=ExtensionStatus.APPROVED)),
        )
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
        for name in ("handled", "completed", "on_time", "rated", "satisfied", "reworked", "return_visited"):
            setattr(counts, name, getattr(counts, name) + r[name])
        counts.extensions += r["extensions"]
    for key, slips in slip_counts(start, end).items():
        counts = out.setdefault(key, UnitCounts())
        for colour, n in slips.items():
            counts.slips[colour] = counts.slips.get(colour, 0) + n
    return out
