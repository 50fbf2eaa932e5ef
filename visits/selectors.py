"""Reads of the visits app, each scoped through `scope_for(user)`."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from grids.models import GridNode, Level
from grids.scopes import in_node_q, scope_for
from residents.models import Household, ResidentTag

from .models import Campaign, CampaignAssignment, DiaryEntry, FollowUp, Opinion, ProxyService, Visit, VisitPhoto


def campaigns(user):
    return Campaign.objects.visible_to(user).select_related("scope_node").order_by("-start_date", "name")


# The one count of a campaign's progress, on every page that shows it (the visits home, a
# cadre's households, coverage by node and by cadre, the export): households assigned in the
# campaign (one CampaignAssignment each) and those of them visited (`visited_on` set by the
# campaign's first visit). Routine visits and second visits do not move it.
def progress_counts(prefix: str = "", **where) -> dict:
    """The two aggregates over CampaignAssignment rows (through `prefix`, e.g. "assignments__"),
    restricted by `where` (lookups relative to the assignment)."""
    scope = Q(**{f"{prefix}{k}": v for k, v in where.items()})
    return {
        "assigned": Count(f"{prefix}id", filter=scope),
        "visited": Count(f"{prefix}id", filter=scope & Q(**{f"{prefix}visited_on__isnull": False})),
    }


def campaigns_with_progress(user):
    """The campaigns the user sees, each with the user's own progress as a cadre in it
    (`assigned`, `visited`): one query."""
    return campaigns(user).annotate(**progress_counts("assignments__", cadre=user))


def campaign_progress(user, campaign: Campaign, *, node: GridNode | None = None, cadre=None) -> "CoverageRow":
    """Visited / assigned households of the campaign: a cadre's own (`cadre`), else those in the
    user's scope, under `node` if given. One query."""
    qs = CampaignAssignment.objects.filter(campaign=campaign)
    qs = qs.filter(cadre=cadre) if cadre is not None else qs.filter(scope_for(user).located_q())
    if node is not None:
        qs = qs.filter(in_node_q(node))
    counts = qs.aggregate(**progress_counts())
    return CoverageRow(node, node.name if node else "", counts["assigned"], counts["visited"])


def campaign_assignments(user, campaign: Campaign):
    """The campaign's households the user may see: a cadre sees their own, staff their area."""
    qs = CampaignAssignment.objects.filter(campaign=campaign)
    scope = scope_for(user)
    return qs.filter(scope.located_q() | Q(cadre=user)).select_related("household", "cadre", "unit_grid")


def my_households(user, campaign: Campaign):
    """A cadre's households in a campaign, not yet visited first."""
    return (
        CampaignAssignment.objects.filter(campaign=campaign, cadre=user)
        .select_related("household", "unit_grid")
        .order_by(F("visited_on").asc(nulls_first=True), "unit_grid__code", "household__number")
    )


def visits(user):
    return (
        Visit.objects.visible_to(user)
        .select_related("household", "visitor", "campaign")
        # A correlated count, not Count("opinions"): a grouped join would make the list's
        # pagination count group every visit in the area; this one is dropped from it.
        .annotate(
            opinion_count=Coalesce(
                Subquery(
                    Opinion.objects.filter(visit=OuterRef("pk"))
                    .order_by()
                    .values("visit")
                    .annotate(n=Count("id"))
                    .values("n")
                ),
                0,
            )
        )
        .order_by("-visited_on", "-id")
    )


def visit_photos(user):
    """Photos of the visits the user may open (gridgov.files serves them)."""
    return VisitPhoto.objects.filter(visit__in=Visit.objects.visible_to(user))


def visit_detail(user, pk: int) -> Visit:
    """One visit with its opinions and what became of each appeal (the cadre who made it sees
    it too, wherever their post is)."""
    return (
        Visit.objects.visible_to(user)
        .select_related("household", "visitor", "campaign")
        .prefetch_related(
            "opinions__appeal__handling_node",
            "opinions__appeal__handling_department",
            "opinions__module",
            "followups__tag__category",
            "photos",
        )
        .get(pk=pk)
    )


@dataclass
class DueVisit:
    tag: ResidentTag
    last_visit: datetime.date | None
    due_on: datetime.date

    @property
    def overdue_days(self) -> int:
        return (timezone.localdate() - self.due_on).days


class DueVisits:
    """The due list, lazy: a count and a slice are each one query on the tags' queryset, so the
    page's Paginator and the API's pagination read one page of rows, never the whole list.
    Rows come out as DueVisit; `queryset` is the ResidentTag queryset underneath."""

    ordered = True  # for Paginator: the queryset below is ordered

    def __init__(self, queryset):
        self.queryset = queryset
        self._rows: list[DueVisit] | None = None

    @staticmethod
    def _row(tag: ResidentTag) -> DueVisit:
        return DueVisit(tag=tag, last_visit=tag.last_visit, due_on=tag.next_visit_on)

    def count(self) -> int:
        return len(self._rows) if self._rows is not None else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if self._rows is not None:
            return self._rows[key]
        if isinstance(key, slice):
            return [self._row(tag) for tag in self.queryset[key]]
        return self._row(self.queryset[key])

    def __iter__(self):
        if self._rows is None:
            self._rows = [self._row(tag) for tag in self.queryset]
        return iter(self._rows)


def due_visits(user, *, today: datetime.date | None = None, roles_only: bool = True) -> DueVisits:
    """The special-population follow-ups due by the end of this week (overdue first): every
    active tag in scope whose stored `next_visit_on` (its start until first followed up, then
    its latest follow-up + the category's interval; kept by the services) is on or before
    Sunday, ordered by that date, household number and id.

    A range over the `residenttag_next_visit` index filtered by scope, read a page at a time:
    one query for a page of rows (the last follow-up is a correlated max over the
    (tag, visited_on) index, evaluated for those rows only), one for the count."""
    today = today or timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    scope = scope_for(user)
    tags = ResidentTag.objects.active(today).filter(
        scope.located_q(), category__is_active=True, next_visit_on__lte=week_end
    )
    if roles_only and _follows_up(scope.roles):
        # A grid worker's list holds the categories their role follows up.
        tags = tags.filter(category__responsible_role__in=sorted(scope.roles))
    last = FollowUp.objects.filter(tag=OuterRef("pk")).values("tag").annotate(m=Max("visited_on")).values("m")
    return DueVisits(
        tags.annotate(last_visit=last)
        .select_related("category", "resident__household")
        .only(
            "id",
            "start_date",
            "next_visit_on",
            "category__name",
            "category__visit_interval_days",
            "category__symbol",
            "category__color",
            "resident__id",
            "resident__name",
            "resident__household__id",
            "resident__household__number",
            "resident__household__address",
        )
        .order_by("next_visit_on", "resident__household__number", "id")
    )


def _follows_up(roles) -> bool:
    from accounts.roles import Role

    return bool(set(roles) & {Role.GRID_MANAGER, Role.GRID_ASSISTANT, Role.COMMUNITY})


# Which column of the located rows groups a node's children.
CHILD_COLUMN = {
    Level.DISTRICT: "street_id",
    Level.STREET: "community_id",
    Level.COMMUNITY: "unit_grid__parent_id",
    Level.BASE_GRID: "unit_grid_id",
}


@dataclass
class CoverageRow:
    node: GridNode | None
    label: str
    assigned: int
    visited: int
    cadre_id: int | None = None

    @property
    def rate(self) -> float:
        return self.visited / self.assigned if self.assigned else 0.0

    @property
    def never(self) -> int:
        return self.assigned - self.visited


def coverage_by_node(user, campaign: Campaign, node: GridNode) -> tuple[CoverageRow, list[CoverageRow]]:
    """Visited / assigned households of the campaign in `node` and in each of its children.

    Two queries whatever the size: one grouped count over the assignment table, one for the
    children's names. Every child's row counts the same assignments its parent's total does,
    so the children sum to the parent at every level."""
    qs = CampaignAssignment.objects.filter(campaign=campaign).filter(scope_for(user).located_q(), in_node_q(node))
    children = list(
        GridNode.objects.filter(parent=node).filter(scope_for(user).node_q()).only("id", "name", "code", "level")
    )
    counts = {}
    if node.level < Level.UNIT_GRID:
        column = CHILD_COLUMN[node.level]
        for key, assigned, visited in (
            qs.values(column).annotate(**progress_counts()).values_list(column, "assigned", "visited").order_by()
        ):
            counts[key] = (assigned, visited)
    rows = [CoverageRow(c, c.name, *counts.get(c.pk, (0, 0))) for c in sorted(children, key=lambda c: c.code)]
    if node.level < Level.UNIT_GRID:
        total = CoverageRow(node, node.name, sum(r.assigned for r in rows), sum(r.visited for r in rows))
        # Rows outside the children the user sees stay out of the total as well.
    else:
        total = campaign_progress(user, campaign, node=node)
    return total, rows


def coverage_by_cadre(user, campaign: Campaign, node: GridNode | None = None) -> list[CoverageRow]:
    """Visited / assigned per cadre, fewest visited first: one grouped query."""
    qs = CampaignAssignment.objects.filter(campaign=campaign).filter(scope_for(user).located_q())
    if node is not None:
        qs = qs.filter(in_node_q(node))
    rows = qs.values("cadre_id", "cadre__username", "cadre__name").annotate(**progress_counts()).order_by()
    out = [
        CoverageRow(None, r["cadre__name"] or r["cadre__username"], r["assigned"], r["visited"], r["cadre_id"])
        for r in rows
    ]
    out.sort(key=lambda r: (r.rate, r.label))
    return out


def unvisited_assignments(user, campaign: Campaign, node: GridNode | None = None):
    """The campaign's households not visited yet, in the user's scope."""
    qs = CampaignAssignment.objects.filter(campaign=campaign, visited_on__isnull=True).filter(
        scope_for(user).located_q()
    )
    if node is not None:
        qs = qs.filter(in_node_q(node))
    return qs.select_related("household", "cadre", "unit_grid").order_by("unit_grid__code", "household__number")


def never_visited_households(user, node: GridNode | None = None):
    """Households in scope that no visit (campaign or routine) has ever reached."""
    qs = Household.objects.visible_to(user).filter(~Exists(Visit.objects.filter(household=OuterRef("pk"))))
    if node is not None:
        qs = qs.filter(in_node_q(node))
    return qs.select_related("unit_grid").order_by("unit_grid__code", "number")


def diary_entries(user):
    return DiaryEntry.objects.visible_to(user).select_related("author", "node")


def proxy_services(user):
    return ProxyService.objects.visible_to(user).select_related("resident", "handled_by")
