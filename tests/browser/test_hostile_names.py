"""Stored DOM XSS through grid-node names: names that are markup show as text on the grid map
(static/gridgov/gridmap.js: base labels and the node page's tooltips) and on the appeals maps
(static/petitions/appeals.js: the hotline's community outlines, an appeal's unit grid). No
script runs, no element is made from a name, and the Content-Security-Policy reports nothing
(the page fixture fails the test on any violation)."""

import pytest

from accounts.roles import Role
from grids.models import GridNode, Level
from grids.services import assignment_start, grid_node_update
from tests.factories import UserFactory
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each would set window.__xss if it ever became markup.
COMMUNITY_NAME = "<img src=x onerror=window.__xss=1>"
UNIT_NAME = '"><svg onload=window.__xss=2><script>window.__xss=3</script>'


def assert_inert(page, dialogs):
    assert page.evaluate("() => window.__xss === undefined")
    assert page.locator("img[src=x], [onerror], [onload], script:not([src]):not([type])").count() == 0
    assert not dialogs


def hover_tooltip(page, map_id: str, name: str) -> str:
    """Open the tooltip of the polygon called `name` (through Leaflet, as a pointer would)."""
    page.wait_for_function(
        """([id, name]) => { let found = false;
           GridGov.maps[id].eachLayer((l) => { if (!found && l.feature && l.feature.properties.name === name
             && l.getTooltip && l.getTooltip()) { l.openTooltip(); found = true; } });
           return found; }""",
        arg=[map_id, name],
    )
    return page.locator(f"#{map_id} .leaflet-tooltip:not(.gridgov-label)").first.inner_text()


def test_hostile_node_names_show_as_text_on_the_grid_map_and_the_appeals_maps(
    people,
    streets,
    district,
    make_appeal,  # noqa: F811
    login,
    page,
    live_server,
    screenshot,
):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    appeal = make_appeal("in_progress", unit="department")
    community = appeal.community
    unit = appeal.unit_grid
    grid_node_update(actor=people.admin, node=community, name=COMMUNITY_NAME)
    grid_node_update(actor=people.admin, node=unit, name=UNIT_NAME)

    # The grid map: the street's page draws its communities, with the base map's names.
    login("zhongxin")
    page.goto(f"{live_server.url}/grids/{community.parent_id}/")
    page.wait_for_selector("#gridmap.loaded")
    page.wait_for_selector("#gridmap.base-loaded")
    assert hover_tooltip(page, "gridmap", COMMUNITY_NAME) == f"{COMMUNITY_NAME} · {community.code}"
    assert COMMUNITY_NAME in page.locator("#gridmap .gridgov-label").all_inner_texts()
    assert_inert(page, dialogs)
    # The community's own page draws its unit grids.
    page.goto(f"{live_server.url}/grids/{unit.parent.parent_id}/")
    page.wait_for_selector("#gridmap.loaded")
    page.goto(f"{live_server.url}/grids/{unit.parent_id}/")
    page.wait_for_selector("#gridmap.loaded")
    assert hover_tooltip(page, "gridmap", UNIT_NAME) == f"{UNIT_NAME} · {unit.code}"
    assert_inert(page, dialogs)
    screenshot("hostile-name-grid-map")

    # The appeal's map: its unit grid's outline and name.
    page.context.clear_cookies()
    login("civil")
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    page.wait_for_selector("#appealmap.loaded")
    assert hover_tooltip(page, "appealmap", UNIT_NAME) == f"{UNIT_NAME} · {unit.code}"
    assert_inert(page, dialogs)
    screenshot("hostile-name-appeal-map")

    # The hotline's intake map: the district's communities to click in.
    operator = UserFactory(username="hotline")
    assignment_start(actor=None, user=operator, role=Role.HOTLINE, node=district)
    page.context.clear_cookies()
    login("hotline")
    page.goto(f"{live_server.url}/appeals/hotline/")
    page.wait_for_selector("#pickmap.loaded")
    assert hover_tooltip(page, "pickmap", COMMUNITY_NAME) == f"{COMMUNITY_NAME} · {community.code}"
    assert_inert(page, dialogs)
    assert GridNode.objects.filter(level=Level.COMMUNITY, name=COMMUNITY_NAME).exists()
    screenshot("hostile-name-hotline-map")
