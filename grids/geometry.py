"""GeoJSON boundaries: parsing, validation and the containment rules of the tree."""

from django.utils.translation import gettext as _
from shapely import geometry as geom
from shapely.errors import GEOSException
from shapely.validation import explain_validity

from gridgov.errors import InvalidInput

# Coordinates are stored to 7 decimals (about 1 cm); containment allows 1e-6 degrees (about
# 10 cm) so that rounding and the floating point of clipping never reject a true child.
PRECISION = 7
TOLERANCE = 1e-6

# A sanity box for WGS84 boundaries in China, to catch swapped or projected coordinates.
CHINA_BOX = geom.box(73.0, 3.0, 136.0, 54.0)


def parse_boundary(data) -> geom.base.BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one) as a valid shape."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidInput(_("The boundary must be a GeoJSON Polygon or MultiPolygon."), field="boundary")
    try:
        shape = geom.shape(data)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise InvalidInput(
            _("The boundary is not readable GeoJSON: %(error)s") % {"error": exc}, field="boundary"
        ) from exc
    if shape.is_empty or shape.area == 0:
        raise InvalidInput(_("The boundary is empty."), field="boundary")
    if not shape.is_valid:
        raise InvalidInput(
            _("The boundary is not a valid polygon: %(reason)s") % {"reason": explain_validity(shape)},
            field="boundary",
        )
    if not CHINA_BOX.contains(shape):
        raise InvalidInput(
            _("The boundary lies outside China; coordinates must be WGS84 longitude, latitude."), field="boundary"
        )
    return shape


def to_geojson(shape) -> dict:
    mapping = geom.mapping(shape)

    def rnd(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], PRECISION), round(coords[1], PRECISION)]
        return [rnd(c) for c in coords]

    return {"type": mapping["type"], "coordinates": rnd(mapping["coordinates"])}


def bbox_fields(shape) -> dict:
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def padded(shape):
    """The shape grown by the tolerance: a child is inside its parent if the padded parent
    covers it."""
    return shape.buffer(TOLERANCE)


def overlaps_in_area(a, b) -> bool:
    """Siblings may share edges, and overlap within the tolerance band, but not more."""
    return a.intersects(b) and a.buffer(-TOLERANCE).intersects(b)
