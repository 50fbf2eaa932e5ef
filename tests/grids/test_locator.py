import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely import geometry as geom

from gridgov.errors import InvalidInput
from grids import geometry
from grids.locator import Locator, get_locator, locate
from grids.models import GridNode, Level
from grids.services import grid_node_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(district):
    return {n.pk: (n, geometry.parse_boundary(n.boundary)) for n in GridNode.objects.filter(level=Level.UNIT_GRID)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(u=st.floats(0, 1), v=st.floats(0, 1))
def test_every_point_of_the_district_maps_to_exactly_one_unit_grid_that_covers_it(district, units, u, v):
    outline = geometry.parse_boundary(district.boundary)
    min_x, min_y, max_x, max_y = outline.bounds
    point = geom.Point(min_x + u * (max_x - min_x), min_y + v * (max_y - min_y))
    found = get_locator().find(point.x, point.y)
    covering = sorted(n.code for n, shape in units.values() if shape.covers(point))
    if not outline.covers(point):
        assert found is None and covering == []
    else:
        assert found is not None
        assert covering and found.code == covering[0]
        node = units[found.unit_grid_id][0]
        assert found.base_grid_id == node.parent_id
        assert found.street_id == node.get_ancestors().get(level=Level.STREET).pk


def test_a_point_on_a_border_shared_by_grids_maps_to_the_lowest_code(units):
    vertices: dict[tuple, int] = {}
    for _node, shape in units.values():
        for vertex in set(shape.exterior.coords):
            vertices[vertex] = vertices.get(vertex, 0) + 1
    shared = geom.Point(next(v for v, count in sorted(vertices.items()) if count >= 2))
    covering = sorted(n.code for n, shape in units.values() if shape.covers(shared))
    assert len(covering) >= 2
    assert locate(shared.x, shared.y).code == covering[0]


def test_bulk_lookups_agree_with_single_lookups(units):
    locator = get_locator()
    points = [shape.representative_point() for _n, shape in units.values()] + [geom.Point(100, 30)]
    bulk = locator.find_many([p.x for p in points], [p.y for p in points])
    assert bulk == [locator.find(p.x, p.y) for p in points]
    assert bulk[-1] is None


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [(116.0, 36.0, "outside the district"), ("abc", 34.8, "numeric"), (200, 34.8, "out of range"), (None, None, "")],
)
def test_a_point_outside_the_district_or_not_a_point_is_refused_with_a_clear_error(district, lon, lat, message):
    with pytest.raises(InvalidInput, match=message or "numeric"):
        locate(lon, lat)


def test_the_locator_sees_a_redrawn_unit_grid_once_the_change_commits(
    people, units, django_capture_on_commit_callbacks
):
    node, shape = next(iter(units.values()))
    get_locator()  # built and cached before the change
    corner = geom.Point(shape.exterior.coords[0])
    # Redraw the grid smaller, leaving its first corner to no grid.
    smaller = shape.buffer(-shape.length / 50)
    with django_capture_on_commit_callbacks(execute=True):
        grid_node_update(actor=people.admin, node=node, boundary=geom.mapping(smaller))
    inside = smaller.representative_point()
    assert get_locator().find(inside.x, inside.y).unit_grid_id == node.pk
    found = get_locator().find(corner.x, corner.y)
    assert found is None or found.unit_grid_id != node.pk


def test_an_empty_tree_locates_nothing():
    assert Locator([]).find(117.5, 34.8) is None
