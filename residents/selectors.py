"""Reads of the registry, scoped to the user. Each is a constant number of queries whatever
the number of rows: lists select their relations, counts are grouped in the database.

Nothing here decrypts: rows carry the masked personal data only.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov import personal_data
from gridgov.errors import InvalidInput
from grids.models import GridNode, Level
from grids.scopes import in_node_q, scope_for
from grids.selectors import feature_collection

from .models import Building, Household, Organisation, Resident, ResidentTag, SpecialCategory

# The map gets single households up to this many in the viewport, and counted grid nodes
# beyond it: a browser draws 2,000 clustered markers without trouble.
BBOX_MAX_POINTS = 2000


def visible_households(user) -> QuerySet[Household]:
    return Household.objects.visible_to(user)


def visible_residents(user) -> QuerySet[Resident]:
    return Resident.objects.visible_to(user)


def visible_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user)


def visible_buildings(user) -> QuerySet[Building]:
    return Building.objects.visible_to(user)


def active_tags_prefetch(to_attr: str = "active_tags") -> Prefetch:
    return Prefetch(
        "tags",
        queryset=ResidentTag.objects.active().select_related("category").order_by("category__sort_order"),
        to_attr=to_attr,
    )


def in_node(qs, node: GridNode | None, *, prefix: str = ""):
    """Narrow to a grid node's subtree using the stored street/community/unit grid columns."""
    return qs if node is None else qs.filter(in_node_q(node, prefix=prefix))


def household_list(user, *, node: GridNode | None = None, q: str = "", tag: str = "") -> QuerySet[Household]:
    """Households for lists and exports, newest grid code first; one query a page."""
    qs = visible_households(user).select_related("unit_grid", "community", "street", "head").order_by("number")
    qs = in_node(qs, node)
    if q:
        qs = qs.filter(Q(address__icontains=q) | Q(number__startswith=q) | Q(head__name__startswith=q))
    if tag:
        qs = qs.filter(pk__in=ResidentTag.objects.active().filter(category__code=tag).values("resident__household_id"))
    # A correlated count, computed for the rows of the page only (a JOIN + GROUP BY would
    # aggregate the whole area's residents before the LIMIT).
    members = Resident.objects.filter(household=OuterRef("pk")).order_by().values("household").annotate(n=Count("id"))
    return qs.annotate(member_count=Coalesce(Subquery(members.values("n")[:1]), 0))


def resident_list(
    user,
    *,
    node: GridNode | None = None,
    q: str = "",
    id_number: str = "",
    phone: str = "",
    tag: str = "",
    household: int | None = None,
) -> QuerySet[Resident]:
    """Residents for lists and exports. `id_number` and `phone` match exactly, through the
    keyed hash; `q` matches the name's start or the household's address."""
    qs = visible_residents(user).select_related("household").order_by("household__number", "id")
    qs = in_node(qs, node, prefix="household__")
    if household:
        qs = qs.filter(household_id=household)
    if q:
        qs = qs.filter(Q(name__startswith=q) | Q(household__address__icontains=q))
    if id_number:
        qs = qs.filter(id_number_hash=personal_data.id_number_hash(id_number))
    if phone:
        qs = qs.filter(phone_hash=personal_data.phone_hash(phone))
    if tag:
        qs = qs.filter(pk__in=ResidentTag.objects.active().filter(category__code=tag).values("resident_id"))
    return qs.prefetch_related(active_tags_prefetch())


def household_detail(user, pk: int) -> Household:
    """A household with its members and their active tags: three queries."""
    return (
        visible_households(user)
        .select_related("unit_grid", "community", "street", "building", "head")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Resident.objects.order_by("birth_date").prefetch_related(active_tags_prefetch()),
            )
        )
        .get(pk=pk)
    )


def resident_detail(user, pk: int) -> Resident:
    return (
        visible_residents(user)
        .select_related("household__unit_grid", "household__community", "household__street")
        .prefetch_related(
            Prefetch("tags", queryset=ResidentTag.objects.select_related("category").order_by("-start_date"))
        )
        .get(pk=pk)
    )


def categories() -> list[SpecialCategory]:
    return list(SpecialCategory.objects.filter(is_active=True))


def tag_list(user) -> QuerySet[ResidentTag]:
    return (
        ResidentTag.objects.filter(scope_for(user).located_q())
        .select_related("resident", "category")
        .order_by("-start_date", "id")
    )


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, raw: str | None) -> "BBox":
        try:
            parts = [float(p) for p in (raw or "").split(",")]
        except ValueError:
            parts = []
        if len(parts) != 4 or any(p != p for p in parts):  # p != p: NaN
            raise InvalidInput(_("bbox is min_lon,min_lat,max_lon,max_lat in degrees."), field="bbox")
        box = cls(*parts)
        if not (-180 <= box.min_lon < box.max_lon <= 180 and -90 <= box.min_lat < box.max_lat <= 90):
            raise InvalidInput(_("bbox must have min below max, within -180..180 and -90..90."), field="bbox")
        return box


def households_in_bbox(user, box: BBox, *, limit: int = BBOX_MAX_POINTS) -> dict:
    """The household map's data for a viewport, in two queries whatever it holds.

    Up to `limit` households: each with its point and the codes of its members' active tags
    (one query for the households, one for their tags); the map clusters them. More than
    that: one counted marker per grid node in view, from the nodes' cached household counts
    (one query over at most 1,144 nodes, however many households), at the level that suits
    the viewport's size.
    """
    qs = visible_households(user).in_bbox(box.min_lon, box.min_lat, box.max_lon, box.max_lat)
    # No ORDER BY: the database may stop at the limit instead of sorting the whole viewport.
    rows = list(qs.order_by().values_list("id", "lon", "lat", "number", "address", "unit_grid_id")[: limit + 1])
    if len(rows) <= limit:
        tags_by_household: dict[int, set[str]] = defaultdict(set)
        if rows:
            # Through the tags' own unit grid column (indexed, a few dozen tags a grid): the
            # tags of the viewport's unit grids, then those of the households in view.
            in_view = {row[0] for row in rows}
            tag_rows = (
                ResidentTag.objects.active()
                .filter(unit_grid_id__in={row[5] for row in rows})
                .values_list("resident__household_id", "category__code")
                .distinct()
            )
            for household_id, code in tag_rows:
                if household_id in in_view:
                    tags_by_household[household_id].add(code)
        return {
            "mode": "points",
            "count": len(rows),
            "households": [
                {
                    "id": pk,
                    "lon": lon,
                    "lat": lat,
                    "number": number,
                    "address": address,
                    "tags": sorted(tags_by_household.get(pk, ())),
                }
                for pk, lon, lat, number, address, _unit in rows
            ],
        }
    return {"mode": "clusters", **node_clusters(user, box)}


# Viewport width (degrees of longitude) from which a coarser level's nodes carry the counts:
# the level the map draws as polygons at that width (static/residents/householdmap.js,
# LEVEL_ZOOM, for a map about 900 px wide), so each polygon carries one count.
CLUSTER_LEVEL_WIDTHS = [
    (0.4, Level.STREET),
    (0.1, Level.COMMUNITY),
    (0.05, Level.BASE_GRID),
    (0.0, Level.UNIT_GRID),
]


def node_clusters(user, box: BBox) -> dict:
    scope = scope_for(user)
    width = box.max_lon - box.min_lon
    level = next(lv for w, lv in CLUSTER_LEVEL_WIDTHS if width >= w)
    if not scope.everything and scope.nodes:
        # Below the user's own posts only: a grid manager's clusters are unit grids.
        level = max(level, min(Level.UNIT_GRID, min(n.level for n in scope.nodes) + 1))
    nodes = (
        GridNode.objects.filter(scope.node_q(), level=level, households__gt=0)
        .filter(min_lon__lte=box.max_lon, max_lon__gte=box.min_lon, min_lat__lte=box.max_lat, max_lat__gte=box.min_lat)
        .values_list("id", "min_lon", "min_lat", "max_lon", "max_lat", "households")
    )
    clusters = [{"node": pk, "lon": (x0 + x1) / 2, "lat": (y0 + y1) / 2, "count": n} for pk, x0, y0, x1, y1, n in nodes]
    return {"count": sum(c["count"] for c in clusters), "level": level, "clusters": clusters}


def area_features(user, box: BBox, level: int) -> dict:
    """The grid polygons of one level inside a viewport, with their measures (households,
    residents, tagged residents): two queries whatever the number of polygons."""
    if not Level.STREET <= level <= Level.UNIT_GRID:
        raise InvalidInput(_("level must be 1 (street) to 4 (unit grid)."), field="level")
    scope = scope_for(user)
    nodes = list(
        GridNode.objects.filter(scope.node_q(), level=level)
        .filter(min_lon__lte=box.max_lon, max_lon__gte=box.min_lon, min_lat__lte=box.max_lat, max_lat__gte=box.min_lat)
        .values_list("id", "code", "name", "level", "households", "residents", "boundary")
        .order_by("code")
    )
    tagged = tagged_residents_by_node(user, level, [n[0] for n in nodes]) if nodes else {}
    return feature_collection(nodes, {"tagged": tagged})


def tagged_residents_by_node(user, level: int, node_ids: list[int]) -> dict[int, int]:
    """Residents with at least one active tag, counted per node of `level` (one grouped query)."""
    # The tag rows carry their grids: this reads the tag table alone.
    column = {
        Level.STREET: "street_id",
        Level.COMMUNITY: "community_id",
        Level.BASE_GRID: "unit_grid__parent_id",
        Level.UNIT_GRID: "unit_grid_id",
    }[level]
    rows = (
        ResidentTag.objects.active(timezone.localdate())
        .filter(**{f"{column}__in": node_ids})
        .values(column)
        .annotate(n=Count("resident_id", distinct=True))
        .order_by()
    )
    return {row[column]: row["n"] for row in rows}
