"""Every map page, offline: the page fixture refuses (and fails the test on) any request to a
host other than the live server. Each map draws the base map (district, street and community
outlines with their names) from our own data, and writes data into the page as text only."""

import pytest
from shapely import geometry as geom

from accounts.roles import Role
from grids.models import GridNode, Level
from grids.services import assignment_start, grid_node_update
from tests.factories import UserFactory
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)>"


def base_names() -> set[str]:
    return set(GridNode.objects.filter(level__lte=Level.COMMUNITY).values_list("name", flat=True))


def wait_for_base(page, map_id: str) -> list[str]:
    """Wait until the map has drawn its base; the names it writes (those not left out for
    overlapping another)."""
    page.wait_for_selector(f"#{map_id}.base-loaded")
    base = page.locator(f"#{map_id}")
    assert int(base.get_attribute("data-base")) == GridNode.objects.filter(level__lte=Level.COMMUNITY).count()
    # The outlines: non-interactive paths in the base pane, one per district, street, community.
    assert page.locator(f"#{map_id} .leaflet-gridgov-base-pane path").count() == int(base.get_attribute("data-base"))
    labels = page.locator(f"#{map_id} .gridgov-label").evaluate_all(
        # Left out for overlapping (hidden), or fading out after a zoom (opacity 0).
        "els => els.filter(e => e.style.visibility !== 'hidden' && e.style.opacity !== '0').map(e => e.textContent)"
    )
    assert labels, f"no names written on #{map_id}"
    assert set(labels) <= base_names()
    return labels


def test_street_officers_grid_and_household_maps_draw_the_base_map_without_any_other_host(
    people, streets, login, page, live_server, screenshot, outside_requests
):
    login("zhongxin")  # lands on their queue; the map is on their street's page
    page.goto(f"{live_server.url}/grids/{streets['中心街街道'].pk}/")
    page.wait_for_selector("#gridmap.loaded")
    labels = wait_for_base(page, "gridmap")
    communities = set(streets["中心街街道"].get_children().values_list("name", flat=True))
    assert communities & set(labels), labels  # the street's page: its communities are named
    assert page.locator("#gridmap .leaflet-tile").count() == 0
    assert "OpenStreetMap" not in page.locator("#gridmap .leaflet-control-attribution").inner_text()
    assert page.locator("#gridmap .leaflet-control-zoom-in").get_attribute("title") == "放大"
    screenshot("map-street-node")

    community = streets["中心街街道"].get_children().order_by("code").first()
    page.goto(f"{live_server.url}/grids/{community.pk}/")
    page.wait_for_selector("#gridmap.loaded")
    wait_for_base(page, "gridmap")
    screenshot("map-community-node")

    page.goto(f"{live_server.url}/registry/map/")
    page.wait_for_selector("#householdmap.loaded")
    wait_for_base(page, "householdmap")
    screenshot("map-household")
    assert outside_requests == []


def test_zooming_in_names_the_district_then_its_streets_then_its_communities(
    people, login, page, live_server, screenshot
):
    login("center")
    district = GridNode.objects.get(level=Level.DISTRICT)
    page.goto(f"{live_server.url}/grids/{district.pk}/")
    page.wait_for_selector("#gridmap.loaded")
    wait_for_base(page, "gridmap")
    screenshot("map-district")
    names = {
        level: set(GridNode.objects.filter(level=level).values_list("name", flat=True))
        for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
    }
    seen = []
    for zoom in range(8, 16):
        page.evaluate("z => GridGov.maps.gridmap.setZoom(z, { animate: false })", zoom)
        page.wait_for_function("z => GridGov.maps.gridmap.getZoom() === z", arg=zoom)
        level = int(page.locator("#gridmap").get_attribute("data-base-labels"))
        assert set(wait_for_base(page, "gridmap")) <= names[level], zoom
        seen.append(level)
    # (The small test district's streets hold one or two communities each: its communities'
    # names fit as soon as its streets' do, so the streets' band may be empty here.)
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 2, seen


def test_hotline_and_grid_worker_intake_maps_draw_the_base_map_and_take_a_click(
    people, district, login, page, live_server, screenshot
):
    operator = UserFactory(username="hotline")
    assignment_start(actor=None, user=operator, role=Role.HOTLINE, node=district)
    login("hotline")
    page.goto(f"{live_server.url}/appeals/hotline/")
    page.wait_for_selector("#pickmap.loaded")
    wait_for_base(page, "pickmap")
    screenshot("map-hotline-intake")

    # A form shown again after an error keeps its place on the map.
    community = GridNode.objects.filter(level=Level.COMMUNITY).order_by("code").first()
    point = geom.shape(community.boundary).representative_point()
    page.fill("#id_lon", f"{point.x:.6f}")
    page.fill("#id_lat", f"{point.y:.6f}")
    page.evaluate("() => { document.getElementById('intake').noValidate = true; }")
    page.click("#submit-intake")  # no module, no text
    page.wait_for_selector("#intake-error")
    page.wait_for_selector("#pickmap.loaded")
    assert page.locator("#pickmap .leaflet-marker-icon").count() == 1
    centre = page.evaluate("() => GridGov.maps.pickmap.getCenter()")
    assert (centre["lng"], centre["lat"]) == (pytest.approx(point.x, abs=1e-5), pytest.approx(point.y, abs=1e-5))

    page.context.clear_cookies()
    login("assistant")
    page.goto(f"{live_server.url}/appeals/report/")
    page.wait_for_selector("#pickmap.loaded")
    wait_for_base(page, "pickmap")
    # The grid worker taps their own unit grid: the place is filled in and located.
    unit = people.assistant.assignments.get().node
    point = geom.shape(unit.boundary).representative_point()
    # The map opens on the worker's own unit grid, not on the whole district.
    box = [[unit.min_lat, unit.min_lon], [unit.max_lat, unit.max_lon]]
    assert page.evaluate("b => { const m = GridGov.maps.pickmap; return m.getBoundsZoom(b) === m.getZoom(); }", box)
    assert page.evaluate("b => GridGov.maps.pickmap.getBounds().contains(b)", box)
    centre = page.evaluate("() => GridGov.maps.pickmap.getCenter()")
    assert centre["lat"] == pytest.approx((unit.min_lat + unit.max_lat) / 2, abs=1e-3)
    assert centre["lng"] == pytest.approx((unit.min_lon + unit.max_lon) / 2, abs=1e-3)
    # Their own unit grid is drawn on it (the grids one level below their post).
    assert page.locator("#pickmap .leaflet-overlay-pane path.leaflet-interactive").count() == 1
    click = "([lat, lon]) => GridGov.maps.pickmap.fire('click', { latlng: L.latLng(lat, lon) })"
    page.evaluate(click, [point.y, point.x])
    page.wait_for_selector("#located.ok")
    assert page.locator("#located").inner_text() == f"{unit.name} · {unit.code}"
    assert page.locator("#pickmap .leaflet-marker-icon").count() == 1
    screenshot("map-grid-worker-report")

    # GPS puts the place on the map as well; a refusal says so in Chinese.
    page.evaluate("() => { document.getElementById('located').className = ''; }")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": point.y, "longitude": point.x})
    page.click("#use-gps")
    page.wait_for_selector("#use-gps:has-text('已获取位置')")
    page.wait_for_selector("#located.ok")
    assert page.locator("#pickmap .leaflet-marker-icon").count() == 1
    page.context.clear_permissions()
    page.click("#use-gps")
    page.wait_for_selector("#use-gps:has-text('无法获取位置')")


def test_department_officer_sees_the_map_of_the_appeals_unit_grid(
    people,
    make_appeal,  # noqa: F811
    login,
    page,
    live_server,
    screenshot,
):
    appeal = make_appeal("in_progress", unit="department")
    login("civil")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    page.wait_for_selector("#appealmap.loaded")
    wait_for_base(page, "appealmap")
    # The unit grid's outline, drawn from the page (the tree API is closed to departments).
    assert page.locator("#appealmap .leaflet-overlay-pane path.leaflet-interactive").count() == 1
    # (The marker sits over the polygon's middle, so the pointer "enters" the outline directly.)
    page.locator("#appealmap .leaflet-overlay-pane path.leaflet-interactive").dispatch_event("mouseover")
    tip = page.locator("#appealmap .leaflet-tooltip:not(.gridgov-label)")
    assert tip.inner_text() == f"{appeal.unit_grid.name} · {appeal.unit_grid.code}"
    assert page.locator("#appealmap .leaflet-marker-icon").count() == 1
    screenshot("map-department-appeal")


def test_a_hostile_node_name_shows_as_text_on_every_map(people, streets, login, page, live_server, screenshot):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    community = streets["中心街街道"].get_children().order_by("code").first()
    grid_node_update(actor=people.admin, node=community, name=HOSTILE)

    login("zhongxin")
    page.goto(f"{live_server.url}/grids/{community.parent_id}/")
    page.wait_for_selector("#gridmap.loaded")
    page.wait_for_selector("#gridmap.base-loaded")
    labels = page.locator("#gridmap .gridgov-label").all_inner_texts()
    assert HOSTILE in labels
    polygon = page.locator("#gridmap .leaflet-overlay-pane path.leaflet-interactive").first  # code order: this one
    polygon.hover(force=True)
    assert page.locator("#gridmap .leaflet-tooltip:not(.gridgov-label)").inner_text() == f"{HOSTILE} · {community.code}"

    page.goto(f"{live_server.url}/registry/map/")
    page.wait_for_selector("#householdmap.loaded")
    centre = [(community.min_lat + community.max_lat) / 2, (community.min_lon + community.max_lon) / 2]
    page.evaluate("c => window.householdMap.map.setView(c, 12, { animate: false })", centre)
    has_it = "name => { let found = false; window.householdMap.areas.eachLayer(l => {"
    has_it += " if (l.feature.properties.name === name) { found = true; l.openTooltip(); } }); return found; }"
    page.wait_for_function(has_it, arg=HOSTILE)
    assert page.locator("#householdmap .leaflet-tooltip:not(.gridgov-label)").inner_text().startswith(HOSTILE)

    assert page.locator("img[src=x]").count() == 0 and not dialogs
    screenshot("map-hostile-name")
