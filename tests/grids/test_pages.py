import json

import pytest

from accounts.roles import Role
from grids.models import GridNode, Level

pytestmark = pytest.mark.django_db


def test_the_login_page_is_in_simplified_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/login/").content.decode()
    english = client.get("/login/", headers={"accept-language": "en"}).content.decode()
    assert "Log in" in english


def test_pages_need_a_login(district, client):
    response = client.get(f"/grids/{district.pk}/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_home_takes_a_street_officer_to_their_queue_and_my_areas_to_their_street(people, streets, client_for):
    client = client_for(people.zhongxin)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/appeals/queue/"
    response = client.get("/grids/")
    assert response.status_code == 302 and response.url == f"/grids/{streets['中心街街道'].pk}/"


def test_home_takes_a_department_officer_to_their_queue_and_my_areas_is_not_theirs(people, client_for):
    client = client_for(people.department)
    response = client.get("/")
    assert response.status_code == 302 and response.url == "/appeals/queue/"
    assert client.get("/grids/").status_code == 404


def test_home_of_a_user_with_no_post_explains_they_hold_none(people, client_for):
    page = client_for(people.nobody).get("/").content.decode()
    assert "no post on a grid node" in page


def test_node_page_lists_the_children_and_the_map(people, streets, client_for):
    street = streets["中心街街道"]
    page = client_for(people.zhongxin).get(f"/grids/{street.pk}/").content.decode()
    for child in street.get_children():
        assert child.name in page and child.code in page
    assert 'id="gridmap"' in page
    assert "leaflet.js" in page and "//unpkg" not in page and "cdn" not in page.lower()


def test_street_officer_gets_404_for_another_streets_node_page(people, streets, client_for):
    client = client_for(people.zhongxin)
    assert client.get(f"/grids/{streets['税郭镇'].pk}/").status_code == 404
    assert client.get(f"/grids/{streets['中心街街道'].get_root().pk}/").status_code == 404


def test_the_breadcrumb_stops_at_the_top_of_the_users_scope(people, streets, client_for):
    community = streets["中心街街道"].get_children().first()
    page = client_for(people.zhongxin).get(f"/grids/{community.pk}/").content.decode()
    assert "中心街街道" in page and "市中区" not in page


def test_node_page_query_count_does_not_grow_with_the_number_of_children(
    people, district, client_for, django_assert_num_queries
):
    client = client_for(people.center)
    base = GridNode.objects.filter(level=Level.BASE_GRID).first()
    street = GridNode.objects.filter(level=Level.STREET).first()
    # session, user, scope, node, ancestors, children, staff, unread notices
    with django_assert_num_queries(8):
        client.get(f"/grids/{base.pk}/")
    with django_assert_num_queries(8):
        client.get(f"/grids/{street.pk}/")


def test_the_admin_lists_the_tree_scoped_and_offers_no_delete(people, streets, client_for):
    people.zhongxin.is_staff = True
    people.zhongxin.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    people.zhongxin.user_permissions.add(Permission.objects.get(codename="view_gridnode"))
    page = client_for(people.zhongxin).get("/admin/grids/gridnode/").content.decode()
    assert "中心街街道" in page and "税郭镇" not in page
    admin_page = client_for(people.admin)
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    response = admin_page.get(f"/admin/grids/gridnode/{streets['税郭镇'].pk}/delete/")
    assert response.status_code == 403


def test_the_admin_adds_a_node_through_the_service_and_shows_its_refusal(people, streets, client_for):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    street = streets["中心街街道"]
    community = street.get_children().first()
    before = GridNode.objects.count()
    response = client_for(people.admin).post(
        "/admin/grids/gridnode/add/",
        {"parent": street.pk, "code": "", "name": "重叠社区", "boundary": json.dumps(community.boundary)},
    )
    assert response.status_code == 200
    assert "overlaps its sibling" in response.content.decode()
    assert GridNode.objects.count() == before


def test_the_admin_renames_a_node_through_the_service(people, streets, client_for):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    street = streets["税郭镇"]
    response = client_for(people.admin).post(
        f"/admin/grids/gridnode/{street.pk}/change/", {"name": "税郭镇（新）", "boundary": json.dumps(street.boundary)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    street.refresh_from_db()
    assert street.name == "税郭镇（新）"


def test_the_map_draws_no_tiles_unless_a_tile_server_is_configured(monkeypatch):
    from importlib import reload

    import gridgov.settings

    try:
        monkeypatch.delenv("GRIDGOV_TILES_URL", raising=False)
        assert reload(gridgov.settings).LEAFLET_CONFIG["TILES"] == []
        monkeypatch.setenv("GRIDGOV_TILES_URL", "https://tiles.example.gov.cn/{z}/{x}/{y}.png")
        monkeypatch.setenv("GRIDGOV_TILES_ATTRIBUTION", "© 本区测绘")
        [(_, url, attribution)] = reload(gridgov.settings).LEAFLET_CONFIG["TILES"]
        assert (url, attribution) == ("https://tiles.example.gov.cn/{z}/{x}/{y}.png", "© 本区测绘")
    finally:
        monkeypatch.undo()
        reload(gridgov.settings)


def test_every_map_page_loads_the_shared_map_script_and_names_no_outside_tiles(everyone, streets, client_for):
    street = streets["中心街街道"]
    pages = [
        (Role.STREET_OFFICE, f"/grids/{street.pk}/"),
        (Role.STREET_OFFICE, "/registry/map/"),
        (Role.GRID_ASSISTANT, "/appeals/report/"),
        (Role.HOTLINE, "/appeals/hotline/"),
    ]
    for role, url in pages:
        response = client_for(everyone[role]).get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "leaflet.js" in page and "gridgov/gridmap.js" in page, url
        assert "openstreetmap" not in page.lower(), url


def test_a_department_is_renamed_in_the_admin_through_its_service(people, client_for):
    from grids.models import Department
    from tests.factories import UserFactory

    department = people.department.assignments.get().department
    root = UserFactory(username="root-dept", is_staff=True, is_superuser=True)
    url = f"/admin/grids/department/{department.pk}/change/"
    other = Department.objects.exclude(pk=department.pk).first()
    if other is not None:  # a name that is taken is refused as a form error, nothing saved
        assert client_for(root).post(url, {"name": other.name, "is_active": "on"}).status_code == 200
    assert client_for(root).post(url, {"name": "民政局（新）", "is_active": "on"}).status_code == 302
    department.refresh_from_db()
    assert department.name == "民政局（新）"
