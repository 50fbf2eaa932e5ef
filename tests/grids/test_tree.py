import random

import pytest
from django.core.management import CommandError, call_command
from shapely import geometry as geom

from gridgov.errors import Conflict, InvalidInput, NotAllowed
from grids import demo, geometry
from grids.models import CODE_LENGTH, Assignment, GridNode, Level
from grids.services import NodeSpec, grid_node_create, grid_node_update, grid_tree_create

pytestmark = pytest.mark.django_db


def square(x0, y0, size):
    return geom.mapping(geom.box(x0, y0, x0 + size, y0 + size))


@pytest.mark.usefixtures("seeded_small_district")
class TestTheSeededDistrict:
    def test_has_the_papers_node_counts_and_nested_polygons(self):
        counts = [GridNode.objects.filter(level=level).count() for level in Level]
        assert counts == [1, 11, 162, 396, 1144]
        nodes = {n.pk: n for n in GridNode.objects.all()}
        shapes = {pk: geometry.parse_boundary(n.boundary) for pk, n in nodes.items()}
        for pk, node in nodes.items():
            assert len(node.code) == CODE_LENGTH[node.level]
            if node.parent_id:
                parent = nodes[node.parent_id]
                assert node.level == parent.level + 1
                assert node.code.startswith(parent.code)
                assert geometry.padded(shapes[parent.pk]).covers(shapes[pk]), node
        names = set(GridNode.objects.filter(level=Level.STREET).values_list("name", flat=True))
        assert names == {name for _code, name, _login in demo.STREETS}

    def test_has_consistent_mptt_columns(self):
        before = list(GridNode.objects.order_by("pk").values_list("pk", "lft", "rght", "level", "tree_id"))
        GridNode.objects.rebuild()
        assert list(GridNode.objects.order_by("pk").values_list("pk", "lft", "rght", "level", "tree_id")) == before

    def test_gives_every_post_its_staff(self):
        active = Assignment.objects.active()
        assert active.filter(role="grid_manager").count() == 396
        assert active.filter(role="grid_assistant").count() == 1144
        assert active.filter(role="street_office").count() == 11
        assert active.filter(role="department").count() == len(demo.DEPARTMENTS)


def test_seed_refuses_a_database_that_already_holds_a_district_and_changes_nothing(district):
    before = GridNode.objects.count()
    with pytest.raises(CommandError, match="already holds a district"):
        call_command("seed_district", verbosity=0)
    assert GridNode.objects.count() == before


def test_seed_with_if_empty_keeps_the_existing_district(district):
    call_command("seed_district", "--if-empty", verbosity=0)
    assert GridNode.objects.count() == 31


def test_the_same_seed_gives_the_same_district_and_another_seed_another():
    first = demo.build_tree(random.Random(3))
    assert first == demo.build_tree(random.Random(3))
    assert first != demo.build_tree(random.Random(4))


def test_node_create_takes_the_next_free_code_under_its_parent(district, people):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code").first()
    base = unit.parent
    shape = geometry.parse_boundary(unit.boundary)
    # Carve the new unit grid out of nothing: shrink an existing sibling first.
    inner = shape.buffer(-shape.length / 40)
    grid_node_update(actor=people.admin, node=unit, boundary=geom.mapping(inner))
    sliver = shape.difference(inner)
    hull = geom.mapping(sliver.geoms[0] if hasattr(sliver, "geoms") else sliver)
    new = grid_node_create(actor=people.admin, parent=base, name="新单元网格", boundary=hull)
    highest = max(int(c.code[-2:]) for c in base.get_children() if c.pk != new.pk)
    assert new.code == f"{base.code}{highest + 1:02d}"
    assert new.level == Level.UNIT_GRID


def test_node_create_refuses_a_clashing_code_and_writes_nothing(district, people):
    street = GridNode.objects.filter(level=Level.STREET).first()
    community = street.get_children().first()
    before = GridNode.objects.count()
    with pytest.raises(Conflict, match=community.code):
        grid_node_create(
            actor=people.admin, parent=street, name="重复", code=community.code, boundary=community.boundary
        )
    assert GridNode.objects.count() == before


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("370402001", "must be 12 digits"),
        ("370402999001", "must start with its parent's code"),
        ("37040200100x", "must be 12 digits"),
    ],
)
def test_node_create_refuses_a_code_wrong_for_its_level_or_parent(district, people, code, message):
    street = GridNode.objects.get(code="370402001")
    with pytest.raises(InvalidInput, match=message):
        grid_node_create(actor=people.admin, parent=street, name="x", code=code, boundary=street.boundary)


def test_node_create_refuses_a_polygon_outside_its_parent(district, people):
    street = GridNode.objects.get(code="370402001")
    outside = square(street.max_lon + 0.01, street.max_lat + 0.01, 0.005)
    with pytest.raises(InvalidInput, match="outside its parent"):
        grid_node_create(actor=people.admin, parent=street, name="越界社区", boundary=outside)


def test_node_create_refuses_a_polygon_overlapping_a_sibling(district, people):
    community = GridNode.objects.filter(level=Level.COMMUNITY).first()
    with pytest.raises(InvalidInput, match="overlaps its sibling"):
        grid_node_create(actor=people.admin, parent=community.parent, name="重叠社区", boundary=community.boundary)


def test_unit_grid_cannot_have_children(district, people):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID).first()
    with pytest.raises(InvalidInput, match="lowest level"):
        grid_node_create(actor=people.admin, parent=unit, name="x", boundary=unit.boundary)


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [117.5, 34.8]},
        {
            "type": "Polygon",
            "coordinates": [[[117.5, 34.8], [117.6, 34.9], [117.6, 34.8], [117.5, 34.9], [117.5, 34.8]]],
        },
        {"type": "Polygon", "coordinates": "nonsense"},
        {
            "type": "Polygon",
            "coordinates": [[[3450000, 500000], [3460000, 500000], [3460000, 510000], [3450000, 500000]]],
        },
        "not even json",
    ],
    ids=["point", "self-intersecting", "garbage", "projected-metres", "string"],
)
def test_bad_boundaries_are_refused_with_a_reason(district, people, boundary):
    street = GridNode.objects.get(code="370402001")
    with pytest.raises(InvalidInput) as refused:
        grid_node_create(actor=people.admin, parent=street, name="x", boundary=boundary)
    assert refused.value.field == "boundary"
    assert refused.value.message


def test_a_redrawn_boundary_must_still_cover_its_children(district, people):
    street = GridNode.objects.get(code="370402001")
    shape = geometry.parse_boundary(street.boundary)
    with pytest.raises(InvalidInput, match="leaves out part of"):
        grid_node_update(actor=people.admin, node=street, boundary=geom.mapping(shape.buffer(-shape.length / 20)))


def test_only_administrators_may_change_the_tree(district, people):
    street = GridNode.objects.get(code="370402001")
    with pytest.raises(NotAllowed):
        grid_node_update(actor=people.zhongxin, node=street, name="改名")
    with pytest.raises(NotAllowed):
        grid_node_update(actor=people.center, node=street, name="改名")
    assert grid_node_update(actor=people.admin, node=street, name="中心街").name == "中心街"


def test_a_second_district_root_is_refused(district, people):
    with pytest.raises(Conflict, match="already has its root"):
        grid_node_create(actor=people.admin, parent=None, name="薛城区", code="370403", boundary=district.boundary)


def test_tree_create_with_one_bad_node_deep_inside_writes_nothing():
    spec = demo.build_tree(random.Random(1), streets=[("001", "中心街街道", "zhongxin")], counts=(2, 3, 5))
    unit = spec.children[0].children[0].children[0].children[0]
    unit.boundary = square(100.0, 30.0, 0.01)  # far outside its base grid
    with pytest.raises(InvalidInput, match="outside its parent"):
        grid_tree_create(actor=None, root=spec)
    assert GridNode.objects.count() == 0


def test_tree_create_refuses_a_code_used_twice():
    spec = demo.build_tree(random.Random(1), streets=[("001", "中心街街道", "zhongxin")], counts=(2, 3, 5))
    community = spec.children[0].children
    community[1].code = community[0].code
    with pytest.raises(Conflict, match="appears twice"):
        grid_tree_create(actor=None, root=spec)
    assert GridNode.objects.count() == 0


def test_tree_create_refuses_children_under_a_unit_grid():
    spec = demo.build_tree(random.Random(1), streets=[("001", "中心街街道", "zhongxin")], counts=(1, 1, 1))
    unit = spec.children[0].children[0].children[0].children[0]
    unit.children = [NodeSpec(name="x", code=unit.code + "01", boundary=unit.boundary)]
    with pytest.raises(InvalidInput, match="lowest level"):
        grid_tree_create(actor=None, root=spec)


def test_a_map_opens_on_the_users_own_area_or_nowhere_without_a_post(people, streets):
    from grids.selectors import bounds_of, root_nodes

    def scope_bounds(user):
        return bounds_of(root_nodes(user))

    street = streets["中心街街道"]
    assert scope_bounds(people.zhongxin) == [[street.min_lat, street.min_lon], [street.max_lat, street.max_lon]]
    district = street.parent
    assert scope_bounds(people.center) == [[district.min_lat, district.min_lon], [district.max_lat, district.max_lon]]
    assert scope_bounds(people.department) is None and scope_bounds(people.nobody) is None
