"""The case map (案件地图): the open appeals of the caller's area as points, or, at low zoom or
past `MAX_POINTS` in view, as clusters counted by the database (one grouped query over a grid
of cells whose size follows the zoom), whatever the number of appeals.

Every appeal counted is a base appeal of the dashboard (`selectors.base_appeals`: the caller's
visible appeals inside the node) that is open now (`Appeal.objects.open()`, the `open` figure),
inside the viewport and matching the filters; so the map's total in view equals the `open`
figure restricted to the same box and filters.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.indicators import COLOURS
from gridgov.errors import InvalidInput
from grids.models import GridNode
from petitions.models import COLOUR_RANK, Appeal, Source, Status
from residents.selectors import BBox

from .selectors import base_appeals

# Single appeals up to this many in view (from POINTS_ZOOM on); beyond, clusters.
MAX_POINTS = 1000
# Below this zoom the map always shows clusters (a district at zoom 11 is a few hundred
# pixels wide: single points would only overlap).
POINTS_ZOOM = 15
# A cluster's cell is about this many screen pixels wide at the requested zoom.
CELL_PX = 64
# Map colours: "none" for an appeal with no slip, then the four slip colours.
MAP_COLOURS = ("none", *COLOURS)
# Age of an open appeal (since it was received): the filter's choices, as (lower, upper) days.
AGES = {
    "day": (None, 1),
    "week": (None, 7),
    "month": (None, 30),
    "older": (30, None),
}
AGE_LABELS = {
    "day": gettext_lazy("Received in the last day"),
    "week": gettext_lazy("Received in the last 7 days"),
    "month": gettext_lazy("Received in the last 30 days"),
    "older": gettext_lazy("Open for over 30 days"),
}


@dataclass(frozen=True)
class MapFilter:
    module: int | None = None
    source: str = ""
    age: str = ""
    colour: str = ""

    @classmethod
    def parse(cls, params) -> "MapFilter":
        module = params.get("module", "") or ""
        if module and not (module.isdigit() and len(module) < 10):
            raise InvalidInput(_("module must be a service module's id."), field="module")
        source = params.get("source", "") or ""
        if source and source not in Source.values:
            raise InvalidInput(_("Unknown source: %(v)s.") % {"v": source[:20]}, field="source")
        age = params.get("age", "") or ""
        if age and age not in AGES:
            raise InvalidInput(_("age is one of %(v)s.") % {"v": ", ".join(AGES)}, field="age")
        colour = params.get("colour", "") or ""
        if colour and colour not in MAP_COLOURS:
            raise InvalidInput(_("colour is one of %(v)s.") % {"v": ", ".join(MAP_COLOURS)}, field="colour")
        return cls(module=int(module) if module else None, source=source, age=age, colour=colour)

    def q(self, now: datetime.datetime) -> Q:
        q = Q()
        if self.module:
            q &= Q(module_id=self.module)
        if self.source:
            q &= Q(source=self.source)
        if self.age:
            older, newer = AGES[self.age]
            if newer is not None:
                q &= Q(created_at__gt=now - datetime.timedelta(days=newer))
            if older is not None:
                q &= Q(created_at__lte=now - datetime.timedelta(days=older))
        if self.colour:
            q &= Q(colour="" if self.colour == "none" else self.colour)
        return q


def parse_zoom(raw) -> int:
    try:
        zoom = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput(_("zoom must be a whole number from 0 to 20."), field="zoom") from None
    if not 0 <= zoom <= 20:
        raise InvalidInput(_("zoom must be a whole number from 0 to 20."), field="zoom")
    return zoom


def cell_size(zoom: int) -> float:
    """Degrees of longitude (and latitude) of a cluster's cell at `zoom`."""
    return 360.0 / 2**zoom * CELL_PX / 256


def open_in_box(user, node: GridNode, box: BBox, where: MapFilter, now=None) -> QuerySet[Appeal]:
    """The open appeals the map counts: the dashboard's base, open, in the box, filtered."""
    return (
        base_appeals(user, node)
        .open()
        .filter(lon__gte=box.min_lon, lon__lte=box.max_lon, lat__gte=box.min_lat, lat__lte=box.max_lat)
        .filter(where.q(now or timezone.now()))
    )


def _map_colour(colour: str) -> str:
    return colour or "none"


def case_map(user, node: GridNode, box: BBox, zoom: int, where: MapFilter = MapFilter(), now=None) -> dict:
    """Points (up to MAX_POINTS, from POINTS_ZOOM on) or clusters: at most two queries."""
    qs = open_in_box(user, node, box, where, now)
    if zoom >= POINTS_ZOOM:
        rows = list(
            qs.order_by().values_list(
                "id", "lon", "lat", "colour", "module__name", "status", "address", "created_at", "deadline"
            )[: MAX_POINTS + 1]
        )
        if len(rows) <= MAX_POINTS:
            return {"mode": "points", "zoom": zoom, "count": len(rows), "points": [_point(r) for r in rows]}
    return {"mode": "clusters", "zoom": zoom, **_clusters(qs, cell_size(zoom))}


def _point(row) -> dict:
    pk, lon, lat, colour, module, status, address, created_at, deadline = row
    return {
        "id": pk,
        "lon": lon,
        "lat": lat,
        "colour": _map_colour(colour),
        "module": module,
        "status": str(Status(status).label),
        "address": address,
        "created_at": timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M"),
        "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else None,
        "url": reverse("appeal-detail", args=[pk]),
    }


def _clusters(qs: QuerySet[Appeal], cell: float) -> dict:
    """One grouped query: the appeals per cell of `cell` degrees, with their mean point and
    their counts by colour. A cluster is drawn in its worst colour."""
    colour_counts = {c: Count("id", filter=Q(colour="" if c == "none" else c)) for c in MAP_COLOURS}
    rows = (
        qs.order_by()
        .annotate(cx=Floor(_div("lon", cell)), cy=Floor(_div("lat", cell)))
        .values("cx", "cy")
        .annotate(
            n=Count("id"), lon_avg=Avg("lon"), lat_avg=Avg("lat"), **{f"c_{c}": e for c, e in colour_counts.items()}
        )
    )
    clusters = []
    for row in rows:
        colours = {c: row[f"c_{c}"] for c in MAP_COLOURS}
        worst = max((c for c in MAP_COLOURS if colours[c]), key=lambda c: COLOUR_RANK["" if c == "none" else c])
        clusters.append(
            {"lon": row["lon_avg"], "lat": row["lat_avg"], "count": row["n"], "colour": worst, "colours": colours}
        )
    clusters.sort(key=lambda c: (-c["count"], c["lon"], c["lat"]))
    return {"count": sum(c["count"] for c in clusters), "cell": cell, "clusters": clusters}


def _div(column: str, cell: float):
    return F(column) / Value(cell, output_field=FloatField())
