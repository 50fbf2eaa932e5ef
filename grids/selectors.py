"""Reads of the grid tree, scoped to the user. Each is a constant number of queries."""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from shapely import geometry as geom

from .models import Assignment, Department, GridNode, Level
from .roles import Role
from .scopes import scope_for


def visible_nodes(user) -> QuerySet[GridNode]:
    return GridNode.objects.visible_to(user)


def node_list(user) -> QuerySet[GridNode]:
    """Nodes for lists: without the boundary (the heavy column), with their child count."""
    return visible_nodes(user).defer("boundary").annotate(child_count=Count("children")).order_by("tree_id", "lft")


def root_nodes(user) -> list[GridNode]:
    """The tops of the user's scope: the district for district roles, else their posts."""
    scope = scope_for(user)
    if scope.everything:
        return list(GridNode.objects.filter(parent__isnull=True).defer("boundary").order_by("tree_id"))
    return list(
        GridNode.objects.filter(pk__in=[n.id for n in scope.nodes]).defer("boundary").order_by("tree_id", "lft")
    )


def bounds_of(nodes: list[GridNode]) -> list[list[float]] | None:
    """[[south, west], [north, east]] (Leaflet's order) around `nodes` (e.g. root_nodes(user),
    for a map to open on the user's own area); None for no nodes."""
    if not nodes:
        return None
    return [
        [min(n.min_lat for n in nodes), min(n.min_lon for n in nodes)],
        [max(n.max_lat for n in nodes), max(n.max_lon for n in nodes)],
    ]


def visible_ancestors(user, node: GridNode) -> list[GridNode]:
    """The breadcrumb down to `node`, leaving out ancestors above the user's scope."""
    return list(node.get_ancestors().filter(scope_for(user).node_q()).only("id", "code", "name", "level"))


def subtree_features(user, node: GridNode, level: int | None = None) -> dict:
    """The descendants of `node` at `level` (its children by default) as a GeoJSON
    FeatureCollection: one query, whatever the number of features."""
    level = node.level + 1 if level is None else level
    if level < node.level or level > Level.UNIT_GRID:
        level = node.level
    rows = (
        node.get_descendants(include_self=True)
        .filter(scope_for(user).node_q(), level=level)
        .values_list("id", "code", "name", "level", "households", "residents", "boundary")
        .order_by("code")
    )
    return feature_collection(rows)


def feature_collection(rows, extra: dict[str, dict] | None = None) -> dict:
    """GeoJSON for rows of (id, code, name, level, households, residents, boundary);
    `extra` adds properties by name, each a mapping from node id to value (0 when absent)."""
    extra = extra or {}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": pk,
                "geometry": boundary,
                "properties": {
                    "id": pk,
                    "code": code,
                    "name": name,
                    "level": lv,
                    "households": households,
                    "residents": residents,
                    **{key: values.get(pk, 0) for key, values in extra.items()},
                },
            }
            for pk, code, name, lv, households, residents, boundary in rows
        ],
    }


def outline_feature(node: GridNode) -> dict:
    """One node's outline and name as a GeoJSON Feature, without its counts: for pages that
    have already decided the user may see something located in it (an appeal's unit grid is
    drawn for a department officer, who sees no grid tree)."""
    return {
        "type": "Feature",
        "id": node.pk,
        "geometry": node.boundary,
        "properties": {"id": node.pk, "code": node.code, "name": node.name, "level": node.level},
    }


# The base map (底图) drawn under every map instead of outside tiles: the outlines and names of
# the district, its streets and its communities. It is the administrative geography any
# printed map shows, so every signed-in user with a post or a department gets all of it (no
# counts, nothing below the community); the grid tree itself stays scoped.
BASE_MAP_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)


def base_map_version() -> str:
    """Changes whenever an outline or a name of the base map may have changed: one aggregate
    query. Renames and redraws go through save() (grid_node_update), which bumps updated_at."""
    row = GridNode.objects.filter(level__in=BASE_MAP_LEVELS).aggregate(
        n=Count("id"), first=Min("id"), last=Max("id"), at=Max("updated_at")
    )
    raw = f"{row['n']}:{row['first']}:{row['last']}:{row['at'].isoformat() if row['at'] else ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def base_map(version: str | None = None) -> dict:
    """The base map as a FeatureCollection; each feature carries `label`, a [lon, lat] inside
    its polygon where its name is written. Built with one query and cached by version (the
    label points cost shapely work on ~170 polygons)."""
    version = version or base_map_version()
    key = f"grids:base-map:{version}"
    collection = cache.get(key)
    if collection is None:
        rows = (
            GridNode.objects.filter(level__in=BASE_MAP_LEVELS)
            .values_list("id", "code", "name", "level", "boundary")
            .order_by("level", "code")
        )
        features = []
        for pk, code, name, level, boundary in rows:
            point = geom.shape(boundary).representative_point()
            features.append(
                {
                    "type": "Feature",
                    "id": pk,
                    "geometry": boundary,
                    "properties": {
                        "code": code,
                        "name": name,
                        "level": level,
                        "label": [round(point.x, 6), round(point.y, 6)],
                    },
                }
            )
        collection = {"type": "FeatureCollection", "version": version, "features": features}
        cache.set(key, collection, timeout=24 * 3600)
    return collection


def nested_tree(user, node: GridNode, depth: int) -> dict:
    """`node` and its visible descendants down to `depth` levels below it, nested: one query."""
    rows = list(
        node.get_descendants(include_self=True)
        .filter(scope_for(user).node_q(), level__lte=node.level + depth)
        .values("id", "parent_id", "code", "name", "level", "households", "residents")
        .order_by("tree_id", "lft")
    )
    by_id = {row["id"]: {**row, "children": []} for row in rows}
    for row in rows:
        parent = by_id.get(row["parent_id"])
        if parent is not None and row["id"] != node.id:
            parent["children"].append(by_id[row["id"]])
    return by_id[node.id]


def visible_departments(user) -> QuerySet[Department]:
    return Department.objects.filter(scope_for(user).department_q("pk"))


def visible_assignments(user) -> QuerySet[Assignment]:
    """Assignments on nodes inside the user's scope, or on their departments."""
    scope = scope_for(user)
    qs = Assignment.objects.select_related("user", "node", "department").order_by("-valid_from", "id")
    if scope.everything:
        return qs
    return qs.filter(scope.node_q("node__") | scope.department_q())


# ---------------------------------------------------------------------------------------------
# 格中定人: who is posted on a grid, which grids lack their staff, which lie outside their band

# The post each grid level must have filled: a base grid its grid manager (网格管理员), a unit
# grid its grid assistant (网格协管员). docs/domain.md §1.
REQUIRED_POST = {Level.BASE_GRID: Role.GRID_MANAGER, Level.UNIT_GRID: Role.GRID_ASSISTANT}


def post_holders(
    *roles: str, node=None, nodes=None, department=None, departments=None, on: datetime.date | None = None
) -> QuerySet:
    """Who holds one of `roles` today (or `on`): on `node` or any of `nodes`, in `department` or
    any of `departments` (each a row or an id), or anywhere when none is named. The one
    "who holds this post" read behind every notice's recipients; one subquery."""
    from django.contrib.auth import get_user_model

    posts = Assignment.objects.active(on).filter(role__in=roles)
    if node is not None:
        posts = posts.filter(node_id=getattr(node, "pk", node))
    if nodes is not None:
        posts = posts.filter(node_id__in=[getattr(n, "pk", n) for n in nodes])
    if department is not None:
        posts = posts.filter(department_id=getattr(department, "pk", department))
    if departments is not None:
        posts = posts.filter(department_id__in=[getattr(d, "pk", d) for d in departments])
    return get_user_model().objects.filter(pk__in=posts.values("user_id"))


def node_staff(user, node: GridNode, on: datetime.date | None = None) -> list[Assignment]:
    """The people posted on `node` on a day (today): its own posts, and for a unit grid also
    the grid manager of its base grid, who manages it. Managers first, then assistants, then
    the rest. One query."""
    on = on or timezone.localdate()
    nodes = [node.pk]
    if node.level == Level.UNIT_GRID and node.parent_id:
        nodes.append(node.parent_id)
    rows = (
        visible_assignments(user)
        .active(on)
        .filter(node_id__in=nodes)
        .filter(Q(node_id=node.pk) | Q(role=Role.GRID_MANAGER))
        .order_by("valid_from", "id")
    )
    order = {Role.GRID_MANAGER: 0, Role.GRID_ASSISTANT: 1}
    return sorted(rows, key=lambda a: (order.get(a.role, 2), a.node_id != node.pk, a.valid_from, a.pk))


def _has_post(role: str, on: datetime.date):
    return Exists(Assignment.objects.active(on).filter(node_id=OuterRef("pk"), role=role))


def grids_without_staff(user, on: datetime.date | None = None) -> QuerySet[GridNode]:
    """Base grids without a grid manager and unit grids without a grid assistant on a day
    (today), in the user's scope, in code order; `missing_role` names the empty post. The
    page's count and its rows are two queries, whatever the number of grids."""
    on = on or timezone.localdate()
    empty = Q()
    for level, role in REQUIRED_POST.items():
        empty |= Q(level=level) & ~Q(**{f"has_{role}": True})
    annotations = {f"has_{role}": _has_post(role, on) for role in REQUIRED_POST.values()}
    return (
        visible_nodes(user)
        .filter(level__in=list(REQUIRED_POST))
        .annotate(**annotations)
        .filter(empty)
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("code")
    )


def household_bands() -> dict[int, tuple[int, int]]:
    """Households a grid of each level should hold, inclusive (docs/domain.md §2: a base grid
    500–800, a unit grid 100–250); settings.GRIDGOV_HOUSEHOLD_BANDS overrides them by level."""
    bands = {Level.BASE_GRID: (500, 800), Level.UNIT_GRID: (100, 250)}
    for level, (low, high) in getattr(settings, "GRIDGOV_HOUSEHOLD_BANDS", {}).items():
        bands[int(level)] = (int(low), int(high))
    return bands


def grids_outside_band(user, *, level: int | None = None, side: str = "") -> QuerySet[GridNode]:
    """Grids whose household count (GridNode.households, kept by the registry) lies outside
    their level's band, in the user's scope, in code order; `side` "below" or "above" keeps
    one side. One query for the rows, one for the count."""
    bands = household_bands()
    outside = Q(pk__in=[])
    for lv, (low, high) in bands.items():
        if level is not None and lv != level:
            continue
        sides = {"below": Q(households__lt=low), "above": Q(households__gt=high)}
        chosen = sides.get(side, sides["below"] | sides["above"])
        outside |= Q(level=lv) & chosen
    return (
        visible_nodes(user)
        .filter(outside)
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("code")
    )
