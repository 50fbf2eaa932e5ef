import re

import pytest

from accounts.models import RevealLog
from residents.models import Household, Resident
from tests.residents.conftest import categories, community_user, fresh_locator, registry  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")


def wait_loaded(page, level_at_least: int = 1) -> int:
    page.wait_for_function(
        "n => { const m = document.getElementById('householdmap');"
        " return m.classList.contains('loaded') && Number(m.dataset.level) >= n; }",
        arg=level_at_least,
    )
    return int(page.locator("#householdmap").get_attribute("data-level"))


def drill_down_to_unit_grids(page) -> None:
    """Click grid polygons (each click fits the map to it) until unit grids are drawn. The click
    is the polygon's own Leaflet click: a mouse click at the centre of a path's bounding box can
    land on a house marker or on a neighbouring polygon, depending on the grid's shape."""
    level = wait_loaded(page)
    for _ in range(8):
        if level >= 4:
            return
        page.evaluate("window.householdMap.areas.getLayers()[0].fire('click')")
        try:
            level = wait_loaded(page, level + 1)
        except Exception:
            level = wait_loaded(page)
    assert level == 4


def open_a_household(page, household) -> None:
    """Go to a house (as a user would when the unit grid is larger than the screen: pan and zoom
    in until the houses are drawn one by one) and click it. Zoomed in close, the map always
    draws houses, not counts per cell, so the wait ends once the new view has loaded."""
    if page.locator("#householdmap .household-marker").count() == 0:
        page.evaluate(
            # load() as well: when the map already shows that view, setView fires no moveend.
            "([lat, lon]) => { window.householdMap.map.setView([lat, lon], 18, {animate: false});"
            " window.householdMap.load(); }",
            [household.lat, household.lon],
        )
        page.wait_for_function(
            # A function, not an expression: an expression is eval'ed, which the CSP refuses.
            "() => document.querySelectorAll("
            "'#householdmap .household-marker, #householdmap .marker-cluster').length > 0"
        )
    for _ in range(6):
        markers = page.locator("#householdmap .household-marker")
        if markers.count():
            markers.first.click()
            return
        page.locator("#householdmap .marker-cluster").first.click()
        page.wait_for_timeout(600)
    raise AssertionError("no household marker appeared")


def test_command_center_map_shows_the_districts_streets_coloured_by_households(
    registry,  # noqa: F811
    people,
    login,
    page,
    live_server,
):
    login("center")
    page.goto(f"{live_server.url}/registry/map/")
    assert wait_loaded(page) == 1
    assert page.locator("#householdmap").get_attribute("data-features") == "2"  # the two streets
    assert int(page.locator("#householdmap").get_attribute("data-households")) == Household.objects.count()


def test_community_user_opens_the_map_drills_down_clicks_a_household_and_sees_masked_ids(
    registry,  # noqa: F811
    community_user,  # noqa: F811
    login,
    page,
    live_server,
    screenshot,
):
    login("community")
    page.click("a[href='/registry/map/']")
    page.wait_for_url("**/registry/map/")
    drill_down_to_unit_grids(page)
    community = community_user.assignments.get().node
    open_a_household(page, Household.objects.filter(community=community).order_by("number").first())
    page.wait_for_selector("#household-card table")
    cells = page.locator("#household-card td.id-number").all_inner_texts()
    assert cells
    assert all(MASKED_ID.match(c) for c in cells), cells
    household = Household.objects.get(pk=int(page.locator("#card").get_attribute("data-household")))
    assert household.community_id == community_user.assignments.get().node_id
    content = page.content()
    for resident in Resident.objects.all():
        from gridgov.personal_data import open_value

        assert open_value(resident.id_number_cipher) not in content
    screenshot("community-household-map-card")

    # Household card → resident page, where the community workstation may reveal, logged.
    page.locator("#household-card td a").first.click()
    page.wait_for_url("**/registry/residents/*/")
    assert MASKED_ID.match(page.locator("dd .id-number").inner_text().strip())
    reveal = page.locator("form[action$='/reveal/']:has(input[value='id_number'])")
    reveal.locator("input[name=reason]").fill("办理残疾人补贴核对身份")
    reveal.locator("button").click()
    page.wait_for_selector("#revealed-id_number")
    assert RevealLog.objects.filter(user=community_user, field="id_number").count() == 1
