"""Point → unit grid, with a shapely STRtree over the unit grids' boundaries.

Each process builds the tree once and keeps it. A boundary change bumps a version in the
shared cache after its transaction commits; processes compare versions at most once a
second, so a change reaches every web process and worker within about a second, and the
process that made it at once.
"""

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from shapely import geometry as geom

from gridgov.errors import InvalidInput

from .models import GridNode, Level

VERSION_KEY = "grids:locator:version"
VERSION_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Located:
    unit_grid_id: int
    base_grid_id: int
    community_id: int
    street_id: int
    code: str


class Locator:
    def __init__(self, rows):
        # Ordered by code, so that a point on an edge shared by two grids maps to the one
        # with the lower code: every point maps to exactly one unit grid.
        rows = sorted(rows, key=lambda r: r[1])
        self.entries = [Located(r[0], r[3], r[4], r[5], r[1]) for r in rows]
        self.shapes = np.array([geom.shape(r[2]) for r in rows], dtype=object)
        shapely.prepare(self.shapes)
        self.tree = shapely.STRtree(self.shapes)
        if rows:
            self.extent = shapely.unary_union(shapely.envelope(self.shapes)).envelope
        else:
            self.extent = None

    @classmethod
    def from_database(cls) -> "Locator":
        rows = GridNode.objects.filter(level=Level.UNIT_GRID).values_list(
            "id", "code", "boundary", "parent_id", "parent__parent_id", "parent__parent__parent_id"
        )
        return cls(list(rows))

    def find(self, lon: float, lat: float) -> Located | None:
        hits = self.tree.query(geom.Point(lon, lat), predicate="covered_by")
        if len(hits) == 0:
            return None
        return self.entries[int(hits.min())]

    def locate(self, lon: float, lat: float) -> Located:
        """The unit grid holding the point, or a clear error when none does."""
        try:
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            raise InvalidInput(_("The location needs numeric longitude and latitude."), field="location") from None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or np.isnan(lon) or np.isnan(lat):
            raise InvalidInput(_("Longitude or latitude is out of range."), field="location")
        found = self.find(lon, lat)
        if found is None:
            raise InvalidInput(
                _("The point (%(lon).6f, %(lat).6f) lies outside the district's grids.") % {"lon": lon, "lat": lat},
                field="location",
                code="outside_district",
            )
        return found

    def find_many(self, lons, lats) -> list[Located | None]:
        """Bulk lookup: one vectorised STRtree query for many points."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_idx, grid_idx = self.tree.query(points, predicate="covered_by")
        # Several hits for one point (a shared edge): keep the lowest code, as find() does.
        order = np.lexsort((grid_idx, point_idx))
        point_idx, grid_idx = point_idx[order], grid_idx[order]
        first = np.unique(point_idx, return_index=True)[1]
        result: list[Located | None] = [None] * len(points)
        for p, g in zip(point_idx[first].tolist(), grid_idx[first].tolist(), strict=True):
            result[p] = self.entries[g]
        return result


log = logging.getLogger(__name__)
_lock = threading.Lock()
_state: dict = {"locator": None, "version": None, "checked": 0.0}


def get_locator() -> Locator:
    now = time.monotonic()
    if _state["locator"] is not None and now - _state["checked"] < VERSION_CHECK_SECONDS:
        return _state["locator"]
    with _lock:
        try:
            version = cache.get(VERSION_KEY, 0)
        except Exception:  # the cache (Redis) is down: locating must not fail with it
            log.warning("locator: cannot read the version from the cache; keeping this process's", exc_info=True)
            version = _state["version"]
        if _state["locator"] is None or version != _state["version"]:
            _state["locator"] = Locator.from_database()
            _state["version"] = version
        _state["checked"] = now
        return _state["locator"]


def drop_cached_locator() -> None:
    """Forget this process's locator; the next lookup rebuilds it."""
    _state.update(locator=None, version=None, checked=0.0)


def invalidate_locator() -> None:
    """Drop this process's locator and tell the others, once the transaction commits."""

    def bump():
        try:
            try:
                cache.incr(VERSION_KEY)
            except ValueError:
                cache.set(VERSION_KEY, 1, timeout=None)
        except Exception:  # the cache is down; other processes see the change within their next rebuild
            log.warning("locator: cannot bump the version in the cache", exc_info=True)
        drop_cached_locator()

    transaction.on_commit(bump)


def locate(lon, lat) -> Located:
    return get_locator().locate(lon, lat)
