"""The command center's figures (态势): every number of the dashboard, the wall screen and the
statistics API, each defined ONCE as a filter, so that a figure and the list behind it can never
differ (docs/dashboard.md).

A figure is a `Figure(name, source, q)`: `q(period)` filters rows of its source model —
`appeal` (the appeal itself), `event` (its append-only timeline), `extension` (its extension
requests) or `slip` (its supervision slips). For every figure:

- its count is the number of *distinct appeals* of the base (the caller's visible appeals inside
  the grid node) with a row of the source matching `q`;
- its list (`figure_appeals`) is the base appeals with such a row.

`figure_counts` computes all figures in one aggregate query per source (four queries whatever
the number of appeals); the lists are one query each (plus the pager's count).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scopes import scope_for
from assessment.indicators import APPEAL_COUNTS, COLOURS, bounds
from gridgov.dates import check_date
from gridgov.errors import InvalidInput, NotFound
from grids.models import Department, GridNode, Level
from petitions.models import (
    HANDLING_STATUSES,
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Colour,
    ExtensionRequest,
    ExtensionStatus,
    Rating,
    ServiceModule,
    Source,
    Status,
    SupervisionSlip,
)

# 签收时限: a handling unit should sign for (签收) a dispatched case within this many hours of
# the dispatch (platform default; setting GRIDGOV_SIGN_LIMIT_HOURS).
DEFAULT_SIGN_LIMIT_HOURS = 24
# The moves that hand a case to a unit and start its signing clock.
HANDOVER_ACTIONS = ("dispatch", "dispatch_down", "rework", "revisit_rework")
MAX_RANGE_DAYS = 366 * 2


def sign_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "GRIDGOV_SIGN_LIMIT_HOURS", DEFAULT_SIGN_LIMIT_HOURS))


@dataclass(frozen=True)
class Period:
    """Local dates [start, end] (both included) and the moment "now" of the open figures."""

    start: datetime.date
    end: datetime.date
    now: datetime.datetime

    @property
    def lo(self) -> datetime.datetime:
        return bounds(self.start, self.end + datetime.timedelta(days=1))[0]

    @property
    def hi(self) -> datetime.datetime:
        return bounds(self.start, self.end + datetime.timedelta(days=1))[1]


PRESETS = ("today", "week", "month")


def period_for(preset: str = "", start: str = "", end: str = "", now: datetime.datetime | None = None) -> Period:
    """Today / this week (from Monday) / this month, or an explicit range of ISO dates. A bad
    date, a reversed range or one longer than two years is a 400 (gridgov.dates keeps years in range)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if start or end:
        first = _date(start, "start") if start else today
        last = _date(end, "end") if end else today
        if last < first:
            raise InvalidInput(_("The end date is before the start date."), field="end")
        if (last - first).days > MAX_RANGE_DAYS:
            raise InvalidInput(_("A date range may span at most two years."), field="end")
        return Period(first, last, now)
    if preset == "today":
        return Period(today, today, now)
    if preset == "week":
        return Period(today - datetime.timedelta(days=today.weekday()), today, now)
    return Period(today.replace(day=1), today, now)


def _date(value: str, field: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}, field=field) from None
    return check_date(day, field=field)


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    source: str  # "appeal" | "event" | "extension" | "slip"
    q: Callable[[Period], Q]
    group: str = "flow"  # "flow": in the period; "now": open at this moment; "slips"


def _created(p: Period) -> Q:
    return Q(created_at__gte=p.lo, created_at__lt=p.hi)


def _closed(p: Period) -> Q:
    return Q(status=Status.CLOSED, closed_at__gte=p.lo, closed_at__lt=p.hi)


def _event(action: str) -> Callable[[Period], Q]:
    return lambda p: Q(action=action, at__gte=p.lo, at__lt=p.hi)


def _signed_on_time(p: Period) -> Q:
    # The latest handover before this signing: when the unit's signing clock started.
    handed_over = (
        AppealEvent.objects.filter(appeal_id=OuterRef("appeal_id"), action__in=HANDOVER_ACTIONS, at__lte=OuterRef("at"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    limit = ExpressionWrapper(Subquery(handed_over) + Value(sign_limit()), output_field=DateTimeField())
    return _event("sign")(p) & Q(at__lte=limit)


RESOLVED = [Rating.SATISFIED, Rating.BASIC, Rating.UNREACHABLE]

FIGURES: tuple[Figure, ...] = (
    Figure("received", gettext_lazy("Received"), "appeal", _created),
    *(
        Figure(
            f"received_{value}",
            format_lazy("{}: {}", gettext_lazy("Received"), label),
            "appeal",
            lambda p, v=value: _created(p) & Q(source=v),
        )
        for value, label in Source.choices
    ),
    Figure("registered", gettext_lazy("Registered"), "event", _event("register")),
    Figure("dispatched", gettext_lazy("Dispatched"), "event", _event("dispatch")),
    Figure("signed", gettext_lazy("Signed for"), "event", _event("sign")),
    Figure("signed_on_time", gettext_lazy("Signed for in time"), "event", _signed_on_time),
    Figure("replied", gettext_lazy("Replied"), "event", _event("reply")),
    Figure("verified", gettext_lazy("Verified"), "event", _event("verify")),
    Figure("closed", gettext_lazy("Closed"), "appeal", _closed),
    # The assessment's own definitions (assessment.indicators.APPEAL_COUNTS), on closed appeals.
    Figure("closed_on_time", gettext_lazy("Closed on time"), "appeal", lambda p: _closed(p) & APPEAL_COUNTS["on_time"]),
    Figure("resolved", gettext_lazy("Resolved"), "appeal", lambda p: _closed(p) & Q(satisfaction__in=RESOLVED)),
    Figure("rated", gettext_lazy("Rated"), "appeal", lambda p: _closed(p) & APPEAL_COUNTS["rated"]),
    Figure("satisfied", gettext_lazy("Satisfied"), "appeal", lambda p: _closed(p) & APPEAL_COUNTS["satisfied"]),
    Figure("reworked", gettext_lazy("Reworked"), "appeal", lambda p: _closed(p) & APPEAL_COUNTS["reworked"]),
    Figure(
        "extended",
        gettext_lazy("Extended"),
        "extension",
        lambda p: Q(status=ExtensionStatus.APPROVED, decided_at__gte=p.lo, decided_at__lt=p.hi),
    ),
    Figure("open", gettext_lazy("Open now"), "appeal", lambda p: Q(status__in=OPEN_STATUSES), "now"),
    Figure(
        "overdue",
        gettext_lazy("Overdue now"),
        "appeal",
        lambda p: Q(status__in=HANDLING_STATUSES, deadline__lt=p.now),
        "now",
    ),
    *(
        Figure(
            f"slips_{colour}",
            format_lazy("{}: {}", gettext_lazy("Slips issued"), Colour(colour).label),
            "slip",
            lambda p, c=colour: Q(colour=c, issued_at__gte=p.lo, issued_at__lt=p.hi),
            "slips",
        )
        for colour in COLOURS
    ),
    *(
        Figure(
            f"open_slips_{colour}",
            format_lazy("{}: {}", gettext_lazy("Open slips"), Colour(colour).label),
            "slip",
            lambda p, c=colour: Q(colour=c, closed_at__isnull=True),
            "slips",
        )
        for colour in COLOURS
    ),
)
BY_NAME: dict[str, Figure] = {f.name: f for f in FIGURES}
SOURCES = {"event": AppealEvent, "extension": ExtensionRequest, "slip": SupervisionSlip}

# Rates: (part, whole); None when the whole is 0 (nothing to rate is shown as "—", not 100 %).
RATES = {
    "sign_rate": ("signed_on_time", "signed"),  # 签收及时率
    "on_time_rate": ("closed_on_time", "closed"),  # 按期办结率
    "resolution_rate": ("resolved", "closed"),  # 解决率
    "satisfaction_rate": ("satisfied", "rated"),  # 满意率
    "rework_rate": ("reworked", "closed"),  # 返工率
}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# ---------------------------------------------------------------- the node and the base


def dashboard_roots(user) -> list[GridNode]:
    """The nodes a user's dashboard starts from: the roots of their scope; the district for the
    district's staff and for department officers (whose appeals are their department's, by
    `visible_to`)."""
    scope = scope_for(user)
    if scope.everything or (scope.department_ids and not scope.nodes):
        return list(GridNode.objects.filter(level=Level.DISTRICT).order_by("tree_id")[:1])
    return list(GridNode.objects.filter(pk__in=[n.id for n in scope.nodes]).order_by("code"))


def dashboard_node(user, node_id) -> GridNode:
    """The grid node the caller asked for, if their dashboard may show it; else 404."""
    if node_id in (None, ""):
        roots = dashboard_roots(user)
        if not roots:
            raise NotFound(_("You hold no post with a dashboard."))
        return roots[0]
    try:
        pk = int(node_id)
    except (TypeError, ValueError):
        raise InvalidInput(_("node must be a grid node's id."), field="node") from None
    scope = scope_for(user)
    allowed = scope.node_q()
    if scope.department_ids and not scope.nodes and not scope.everything:
        allowed = Q(level=Level.DISTRICT)
    node = GridNode.objects.filter(allowed, pk=pk).first()
    if node is None:
        raise NotFound(_("No grid node %(n)s in your area.") % {"n": pk}, field="node")
    return node


def node_q(node: GridNode) -> Q:
    """Appeals inside the node, on the columns each appeal stores (equality filters)."""
    if node.level == Level.DISTRICT:
        return Q()
    if node.level == Level.STREET:
        return Q(street_id=node.pk)
    if node.level == Level.COMMUNITY:
        return Q(community_id=node.pk)
    if node.level == Level.BASE_GRID:
        return Q(unit_grid_id__in=GridNode.objects.filter(parent_id=node.pk).values("pk"))
    return Q(unit_grid_id=node.pk)


@dataclass(frozen=True)
class Slice:
    """Extra filters of a breakdown's cell: a module, a source or a handling department."""

    module: int | None = None
    source: str = ""
    department: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.module:
            q &= Q(module_id=self.module)
        if self.source:
            q &= Q(source=self.source)
        if self.department:
            q &= Q(handling_department_id=self.department)
        return q


def base_appeals(user, node: GridNode, where: Slice = Slice()) -> QuerySet[Appeal]:
    """The caller's visible appeals inside the node: the base of every figure."""
    return Appeal.objects.visible_to(user).filter(node_q(node)).filter(where.q())


# ---------------------------------------------------------------- figures and their lists


# What each source's aggregate reads: a superset of every figure of that source, so the
# database reads the indexed ranges only (a figure outside it would make its count differ from
# its list, which the tests iterate over).
def _narrow(source: str, p: Period) -> Q:
    if source == "appeal":
        return _created(p) | _closed(p) | Q(status__in=OPEN_STATUSES)
    if source == "event":
        return Q(at__gte=p.lo, at__lt=p.hi)
    if source == "extension":
        return Q(decided_at__gte=p.lo, decided_at__lt=p.hi)
    return Q(issued_at__gte=p.lo, issued_at__lt=p.hi) | Q(closed_at__isnull=True)


def _everything(user, node: GridNode, where: Slice) -> bool:
    """The base is every appeal: the timeline, extensions and slips need no join to it."""
    return scope_for(user).everything and node.level == Level.DISTRICT and where == Slice()


def figure_counts(user, node: GridNode, period: Period, where: Slice = Slice()) -> dict[str, int]:
    """Every figure of FIGURES: one aggregate query per source (four in all)."""
    base = base_appeals(user, node, where)
    everything = _everything(user, node, where)
    out: dict[str, int] = {}
    for source in ("appeal", *SOURCES):
        figures = [f for f in FIGURES if f.source == source]
        qs = [f.q(period) for f in figures]
        if source == "appeal":
            rows = base.filter(_narrow(source, period))
            aggregates = {f.name: Count("pk", filter=q) for f, q in zip(figures, qs, strict=True)}
        else:
            rows = SOURCES[source].objects.filter(_narrow(source, period))
            if not everything:
                rows = rows.filter(appeal_id__in=base.values("pk"))
            aggregates = {f.name: Count("appeal_id", filter=q, distinct=True) for f, q in zip(figures, qs, strict=True)}
        out.update(rows.order_by().aggregate(**aggregates))
    return out


def figure_appeals(user, node: GridNode, period: Period, name: str, where: Slice = Slice()) -> QuerySet[Appeal]:
    """The appeals behind one figure: exactly as many as `figure_counts` says."""
    figure = BY_NAME.get(name)
    if figure is None:
        raise InvalidInput(_("Unknown figure %(name)s.") % {"name": name}, field="figure")
    base = base_appeals(user, node, where)
    if figure.source == "appeal":
        return base.filter(figure.q(period))
    return base.filter(pk__in=SOURCES[figure.source].objects.filter(figure.q(period)).values("appeal_id"))


def summary(user, node: GridNode, period: Period, where: Slice = Slice()) -> dict:
    """The figures, their rates and the slips by colour, as the API and the pages show them."""
    counts = figure_counts(user, node, period, where)
    return {
        **counts,
        **{name: rate(counts[part], counts[whole]) for name, (part, whole) in RATES.items()},
        "by_source": {value: counts[f"received_{value}"] for value in Source.values},
        "slips": {colour: counts[f"slips_{colour}"] for colour in COLOURS},
        "open_slips": {colour: counts[f"open_slips_{colour}"] for colour in COLOURS},
    }


# ---------------------------------------------------------------- breakdowns and drill-down

# The figures a breakdown row shows (all of source "appeal", so one grouped query).
ROW_FIGURES = ("received", "open", "overdue", "closed", "closed_on_time")
CHILD_COLUMN = {
    Level.DISTRICT: "street_id",
    Level.STREET: "community_id",
    Level.COMMUNITY: "unit_grid_id",  # grouped up to the base grids below
    Level.BASE_GRID: "unit_grid_id",
}


def _grouped(base: QuerySet, period: Period, column: str) -> dict:
    qs = [BY_NAME[name].q(period) for name in ROW_FIGURES]
    narrow = Q(pk__in=[])
    for q in qs:
        narrow |= q
    aggregates = {name: Count("pk", filter=q) for name, q in zip(ROW_FIGURES, qs, strict=True)}
    return {row.pop(column): row for row in base.filter(narrow).values(column).annotate(**aggregates).order_by()}


@dataclass
class Row:
    key: object
    name: str
    counts: dict
    node: GridNode | None = None

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.counts["closed_on_time"], self.counts["closed"])


def _rows(grouped: dict, labels: list[tuple[object, str]]) -> list[Row]:
    empty = dict.fromkeys(ROW_FIGURES, 0)
    return [Row(key, name, grouped.get(key, empty)) for key, name in labels]


def child_rows(user, node: GridNode, period: Period) -> list[Row]:
    """One row per child node (streets of the district, communities of a street …), for the
    ranking of backlog and on-time rate and the drill-down: three queries at most."""
    column = CHILD_COLUMN.get(node.level)
    if column is None:
        return []
    children = list(GridNode.objects.filter(parent_id=node.pk).order_by("code"))
    grouped = _grouped(base_appeals(user, node), period, column)
    if node.level == Level.COMMUNITY:
        # Appeals store their unit grid; a base grid is the sum of its unit grids.
        parent_of = dict(GridNode.objects.filter(parent__parent_id=node.pk).values_list("pk", "parent_id"))
        summed: dict = {}
        for unit_id, counts in grouped.items():
            into = summed.setdefault(parent_of.get(unit_id), dict.fromkeys(ROW_FIGURES, 0))
            for name in ROW_FIGURES:
                into[name] += counts[name]
        grouped = summed
    rows = _rows(grouped, [(c.pk, c.name) for c in children])
    for row, child in zip(rows, children, strict=True):
        row.node = child
    return rows


def module_rows(user, node: GridNode, period: Period) -> list[Row]:
    grouped = _grouped(base_appeals(user, node), period, "module_id")
    modules = ServiceModule.objects.filter(pk__in=list(grouped)).order_by("number")
    return [r for r in _rows(grouped, [(m.pk, m.name) for m in modules]) if r.counts["received"] or r.counts["open"]]


def source_rows(user, node: GridNode, period: Period) -> list[Row]:
    grouped = _grouped(base_appeals(user, node), period, "source")
    return _rows(grouped, list(Source.choices))


def department_rows(user, node: GridNode, period: Period) -> list[Row]:
    grouped = _grouped(
        base_appeals(user, node).filter(handling_department__isnull=False), period, "handling_department_id"
    )
    departments = Department.objects.filter(pk__in=list(grouped)).order_by("code")
    return _rows(grouped, [(d.pk, d.name) for d in departments])


def node_path(node: GridNode, user) -> list[GridNode]:
    """The node's ancestors the user may open, for the breadcrumb (one query)."""
    scope = scope_for(user)
    return (
        list(node.get_ancestors(include_self=True).filter(scope.node_q()))
        if not scope.everything
        else list(node.get_ancestors(include_self=True))
    )


# ---------------------------------------------------------------- trends


def _series(qs: QuerySet, column: str, trunc, lo, hi) -> dict:
    rows = (
        qs.filter(**{f"{column}__gte": lo, f"{column}__lt": hi})
        .annotate(bucket=trunc(column, tzinfo=timezone.get_current_timezone()))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {_bucket_key(r["bucket"], trunc): r["n"] for r in rows}


def _bucket_key(value, trunc) -> tuple:
    # TruncMonth gives an aware datetime on PostgreSQL and SQLite alike, TruncDate a date; both
    # are compared by their calendar fields.
    if trunc is TruncMonth:
        return (value.year, value.month)
    return (value.year, value.month, value.day)


def _last_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def trends(user, node: GridNode, today: datetime.date) -> dict:
    """Received vs closed (the `received` and `closed` figures' dates), daily for the last 30
    days and monthly for the last 12 months, each with last year's same period: eight grouped
    queries whatever the data."""
    base = base_appeals(user, node)
    closed = base.filter(status=Status.CLOSED)
    days = [today - datetime.timedelta(days=29 - i) for i in range(30)]
    months = []
    month = today.replace(day=1)
    for _i in range(12):
        months.insert(0, month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    out = {"daily": {"labels": [d.isoformat() for d in days]}, "monthly": {"labels": [f"{m:%Y-%m}" for m in months]}}
    for key, buckets, trunc, step_end in (
        ("daily", days, TruncDate, days[-1] + datetime.timedelta(days=1)),
        ("monthly", months, TruncMonth, (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)),
    ):
        for year_shift, suffix in ((False, ""), (True, "_last_year")):
            first, end = buckets[0], step_end
            if year_shift:
                first, end = _last_year(first), _last_year(end)
            lo, hi = bounds(first, end)
            received = _series(base, "created_at", trunc, lo, hi)
            done = _series(closed, "closed_at", trunc, lo, hi)

            shifted = [(_last_year(b) if year_shift else b) for b in buckets]
            keys = [_bucket_key(b, trunc) for b in shifted]
            out[key][f"received{suffix}"] = [received.get(k, 0) for k in keys]
            out[key][f"closed{suffix}"] = [done.get(k, 0) for k in keys]
    return out


# ---------------------------------------------------------------- the wall screen

WALL_ROWS = 10
WALL_NEWEST = 12


def wall_data(user, node: GridNode, now: datetime.datetime | None = None) -> dict:
    """Everything the wall screen (大屏) shows, as JSON-ready data: today's figures (the same
    `summary`), open slips by colour, the 10 most overdue appeals, the newest appeals (masked:
    redacted text, masked reporter) and the ranking of the node's children. A fixed number of
    queries (4 figures + 2 lists + 2 ranking)."""
    from gridgov.redact import redact

    period = period_for("today", now=now)
    s = summary(user, node, period)
    base = base_appeals(user, node).select_related("module", "street", "community")
    overdue = (
        base.filter(BY_NAME["overdue"].q(period))
        .select_related("handling_department", "handling_node")
        .only(
            "id", "deadline", "colour", "module__name", "street__name", "community__name",
            "handling_department__name", "handling_node__name",
        )
        .order_by("deadline", "id")[:WALL_ROWS]
    )  # fmt: skip
    newest = base.only(
        "id", "created_at", "description", "reporter_name_masked", "module__name", "street__name", "community__name"
    ).order_by("-created_at", "-id")[:WALL_NEWEST]
    ranking = sorted(child_rows(user, node, period), key=lambda r: (-r.counts["open"], r.name))

    def place(a) -> str:
        return f"{a.street.name} · {a.community.name}"

    return {
        "node": {"id": node.pk, "name": node.name},
        "at": timezone.localtime(period.now).strftime("%Y-%m-%d %H:%M:%S"),
        "today": {k: s[k] for k in ("received", "dispatched", "signed", "replied", "closed", "open", "overdue")},
        "rates": {k: s[k] for k in ("on_time_rate", "satisfaction_rate", "sign_rate")},
        "open_slips": s["open_slips"],
        "overdue": [
            {
                "id": a.pk,
                "module": a.module.name,
                "place": place(a),
                "unit": a.handling_unit_name,
                "hours": int((period.now - a.deadline).total_seconds() // 3600),
                "colour": a.colour,
            }
            for a in overdue
        ],
        "newest": [
            {
                "id": a.pk,
                "at": timezone.localtime(a.created_at).strftime("%m-%d %H:%M"),
                "module": a.module.name,
                "place": place(a),
                "reporter": a.reporter_name_masked,
                "text": redact(a.description)[:40],
            }
            for a in newest
        ],
        "ranking": [
            {
                "id": r.node.pk,
                "name": r.name,
                "open": r.counts["open"],
                "overdue": r.counts["overdue"],
                "on_time_rate": r.on_time_rate,
            }
            for r in ranking
        ],
    }
