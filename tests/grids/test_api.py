import pytest
from shapely import geometry as geom

from grids import geometry
from grids.models import Assignment, Department, GridNode, Level

pytestmark = pytest.mark.django_db


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_callers_are_refused_everywhere(district, client):
    for url in ["/api/grids/nodes/", f"/api/grids/nodes/{district.pk}/", "/api/grids/departments/", "/api/me/"]:
        assert client.get(url).status_code == 403


def test_street_officer_lists_only_their_streets_nodes(people, streets, client_for):
    response = client_for(people.zhongxin).get("/api/grids/nodes/", {"page_size": 500})
    expected = set(streets["中心街街道"].get_descendants(include_self=True).values_list("pk", flat=True))
    assert ids(response) == expected


def test_street_officer_cannot_read_another_streets_node_through_any_node_endpoint(people, streets, client_for):
    client = client_for(people.zhongxin)
    other = streets["税郭镇"]
    for suffix in ["", "children/", "tree/", "geojson/"]:
        assert client.get(f"/api/grids/nodes/{other.pk}/{suffix}").status_code == 404, suffix
    assert client.get(f"/api/grids/nodes/{district_pk(other)}/").status_code == 404


def district_pk(node):
    return node.get_root().pk


def test_street_officers_subtree_endpoints_hold_only_their_nodes(people, streets, client_for):
    client = client_for(people.zhongxin)
    mine = streets["中心街街道"]
    inside = set(mine.get_descendants(include_self=True).values_list("pk", flat=True))

    features = client.get(f"/api/grids/nodes/{mine.pk}/geojson/", {"level": Level.UNIT_GRID}).json()["features"]
    assert {f["id"] for f in features} == set(
        mine.get_descendants().filter(level=Level.UNIT_GRID).values_list("pk", flat=True)
    )

    def walk(node):
        yield node["id"]
        for child in node["children"]:
            yield from walk(child)

    assert set(walk(client.get(f"/api/grids/nodes/{mine.pk}/tree/", {"depth": 4}).json())) == inside
    children = client.get(f"/api/grids/nodes/{mine.pk}/children/").json()["results"]
    assert {c["id"] for c in children} == set(mine.get_children().values_list("pk", flat=True))
    detail = client.get(f"/api/grids/nodes/{mine.pk}/").json()
    assert detail["ancestors"] == []  # the district above them is outside their scope


def test_district_geojson_draws_one_level_in_one_query(people, district, client_for, django_assert_num_queries):
    client = client_for(people.center)
    client.get("/api/me/")  # session warm-up
    with django_assert_num_queries(5):  # session, user, scope, the node, the features
        response = client.get(f"/api/grids/nodes/{district.pk}/geojson/", {"level": Level.UNIT_GRID})
    assert len(response.json()["features"]) == GridNode.objects.filter(level=Level.UNIT_GRID).count()


def test_node_list_query_count_does_not_grow_with_page_size(people, client_for, django_assert_num_queries):
    client = client_for(people.center)
    with django_assert_num_queries(5) as small:  # session, user, scope, count, page
        client.get("/api/grids/nodes/", {"page_size": 2})
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/api/grids/nodes/", {"page_size": 500})
    assert len(response.json()["results"]) == GridNode.objects.count()


def test_node_list_filters_by_level_code_and_name(people, streets, client_for):
    client = client_for(people.center)
    assert len(ids(client.get("/api/grids/nodes/", {"level": 1}))) == 2
    street = streets["税郭镇"]
    by_code = client.get("/api/grids/nodes/", {"code": street.code, "page_size": 500})
    assert ids(by_code) == set(street.get_descendants(include_self=True).values_list("pk", flat=True))
    assert ids(client.get("/api/grids/nodes/", {"q": "税郭"})) == {street.pk}
    assert client.get("/api/grids/nodes/", {"level": 9}).status_code == 400


def test_departments_are_visible_to_district_roles_and_their_own_officers_only(people, client_for):
    Department.objects.create(code="police", name="公安分局")
    assert len(ids(client_for(people.center).get("/api/grids/departments/"))) == 2
    assert ids(client_for(people.department).get("/api/grids/departments/")) == {
        people.department.assignments.get().department_id
    }
    assert ids(client_for(people.zhongxin).get("/api/grids/departments/")) == set()


def test_street_officer_sees_only_the_assignments_inside_their_street(people, streets, client_for):
    rows = client_for(people.zhongxin).get("/api/grids/assignments/", {"page_size": 500}).json()["results"]
    usernames = {row["username"] for row in rows}
    assert usernames == {"zhongxin", "manager", "assistant"}


def test_assignment_list_query_count_is_constant(people, client_for, django_assert_num_queries):
    client = client_for(people.center)
    with django_assert_num_queries(5):  # session, user, scope, count, page
        response = client.get("/api/grids/assignments/", {"page_size": 500})
    assert len(response.json()["results"]) == Assignment.objects.count()


def test_administrator_assigns_and_ends_a_post_through_the_api(people, streets, client_for):
    client = client_for(people.admin)
    created = client.post(
        "/api/grids/assignments/",
        {"user": people.nobody.pk, "role": "street_office", "node": streets["税郭镇"].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    ended = client.post(f"/api/grids/assignments/{created.json()['id']}/end/", {}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["valid_to"]
    again = client.post(f"/api/grids/assignments/{created.json()['id']}/end/", {}, content_type="application/json")
    assert again.status_code == 409 and "already ended" in again.json()["detail"]


def test_a_street_officer_may_not_assign_staff(people, streets, client_for):
    response = client_for(people.zhongxin).post(
        "/api/grids/assignments/",
        {"user": people.nobody.pk, "role": "cadre", "node": streets["中心街街道"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Assignment.objects.filter(user=people.nobody).exists()


def test_a_polygon_outside_the_parent_gets_a_400_naming_the_problem(people, streets, client_for):
    street = streets["中心街街道"]
    outside = geom.mapping(geom.box(street.max_lon + 0.1, street.max_lat, street.max_lon + 0.2, street.max_lat + 0.1))
    response = client_for(people.admin).post(
        "/api/grids/nodes/", {"parent": street.pk, "name": "越界", "boundary": outside}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "outside its parent" in response.json()["detail"]
    assert response.json()["field"] == "boundary"


def test_a_clashing_code_gets_a_409(people, streets, client_for):
    street = streets["中心街街道"]
    community = street.get_children().first()
    response = client_for(people.admin).post(
        "/api/grids/nodes/",
        {"parent": street.pk, "name": "x", "code": community.code, "boundary": community.boundary},
        content_type="application/json",
    )
    assert response.status_code == 409 and community.code in response.json()["detail"]


def test_administrator_renames_a_node_through_the_api(people, streets, client_for):
    street = streets["税郭镇"]
    response = client_for(people.admin).patch(
        f"/api/grids/nodes/{street.pk}/", {"name": "税郭镇人民政府"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["name"] == "税郭镇人民政府"


def test_locate_finds_the_unit_grid_and_refuses_points_outside(people, client_for):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code").first()
    point = geometry.parse_boundary(unit.boundary).representative_point()
    found = client_for(people.center).get("/api/grids/locate/", {"lon": point.x, "lat": point.y})
    assert found.status_code == 200 and found.json()["unit_grid"]["code"] == unit.code
    outside = client_for(people.center).get("/api/grids/locate/", {"lon": 116.0, "lat": 36.0})
    assert outside.status_code == 400 and outside.json()["code"] == "outside_district"
    garbage = client_for(people.center).get("/api/grids/locate/", {"lon": "east", "lat": ""})
    assert garbage.status_code == 400


def test_locate_does_not_reveal_grids_outside_the_callers_scope(people, streets, client_for):
    unit = streets["税郭镇"].get_descendants().filter(level=Level.UNIT_GRID).first()
    point = geometry.parse_boundary(unit.boundary).representative_point()
    assert client_for(people.zhongxin).get("/api/grids/locate/", {"lon": point.x, "lat": point.y}).status_code == 404


def test_me_tells_roles_and_scope_roots(people, streets, client_for):
    me = client_for(people.zhongxin).get("/api/me/").json()
    assert me["roles"] == ["street_office"] and not me["sees_everything"]
    assert [r["code"] for r in me["roots"]] == [streets["中心街街道"].code]


def test_the_openapi_schema_describes_every_endpoint(people, client_for):
    schema = client_for(people.center).get("/api/schema/", {"format": "json"}).json()
    for path in ["/api/grids/nodes/", "/api/grids/nodes/{id}/geojson/", "/api/grids/locate/", "/api/me/"]:
        assert path in schema["paths"], path
    assert client_for(people.center).get("/api/docs/").status_code == 200


# The base map (底图): outlines and names of the district, its streets and its communities.


def test_everyone_with_a_post_or_a_department_gets_the_whole_districts_base_map(people, district, client_for):
    expected = set(GridNode.objects.filter(level__lte=Level.COMMUNITY).values_list("code", flat=True))
    for user in [people.center, people.zhongxin, people.assistant, people.department]:
        response = client_for(user).get("/api/grids/basemap/")
        assert response.status_code == 200, user.username
        features = response.json()["features"]
        assert {f["properties"]["code"] for f in features} == expected
        # Geography only: no counts, and nothing below the community.
        assert set(features[0]["properties"]) == {"code", "name", "level", "label"}


def test_every_base_map_label_point_lies_inside_its_outline(people, client_for):
    for feature in client_for(people.zhongxin).get("/api/grids/basemap/").json()["features"]:
        lon, lat = feature["properties"]["label"]
        assert geom.shape(feature["geometry"]).buffer(1e-6).contains(geom.Point(lon, lat)), feature["properties"]


def test_a_user_without_a_post_gets_no_base_map_and_anonymous_callers_are_refused(people, client, client_for):
    assert client_for(people.nobody).get("/api/grids/basemap/").status_code == 404
    assert client.get("/api/grids/basemap/").status_code == 403


def test_the_base_map_is_built_once_and_revalidated_by_etag(people, client_for, django_assert_num_queries):
    client = client_for(people.zhongxin)
    first = client.get("/api/grids/basemap/")
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    with django_assert_num_queries(4):  # session, user, scope, version (the features come from the cache)
        again = client.get("/api/grids/basemap/")
    assert again.json() == first.json()
    with django_assert_num_queries(4):
        unchanged = client.get("/api/grids/basemap/", headers={"if-none-match": first["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.content


def test_renaming_a_street_shows_on_the_base_map_at_once(people, streets, client_for):
    client = client_for(people.department)
    before = client.get("/api/grids/basemap/")
    street = streets["税郭镇"]
    rename = {"name": "税郭镇新区"}
    client_for(people.admin).patch(f"/api/grids/nodes/{street.pk}/", rename, content_type="application/json")
    after = client.get("/api/grids/basemap/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "税郭镇新区" in {f["properties"]["name"] for f in after.json()["features"]}


def test_the_out_of_area_answer_of_locate_is_in_chinese(people, streets, client_for):
    unit = streets["税郭镇"].get_descendants().filter(level=Level.UNIT_GRID).first()
    point = geometry.parse_boundary(unit.boundary).representative_point()
    response = client_for(people.zhongxin, "zh-hans").get("/api/grids/locate/", {"lon": point.x, "lat": point.y})
    assert response.status_code == 404 and response.json()["detail"] == "该位置不在您的辖区内。"
    mine = streets["中心街街道"]
    bad_level = client_for(people.zhongxin, "zh-hans").get(f"/api/grids/nodes/{mine.pk}/geojson/", {"level": "x"})
    assert bad_level.status_code == 400 and "整数" in bad_level.json()["detail"]
