"""The command center's dashboard in a real browser (Chinese): it lands there, clicks a street,
sees that street's figures, follows "overdue" to a list of exactly that many appeals; a street
officer sees only their street."""

# ruff: noqa: F811  (pytest fixtures imported from the dashboard conftest)

import pytest

from dashboard import selectors
from tests.dashboard.conftest import busy_district  # noqa: F401
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_center_lands_on_the_dashboard_drills_into_a_street_and_lists_its_overdue_appeals(
    busy_district, people, streets, login, page, live_server, screenshot
):
    zhongxin = streets["中心街街道"]
    expected = selectors.summary(people.center, zhongxin, selectors.period_for("today", now=busy_district.now))
    assert expected["overdue"] > 0

    login("center")
    assert page.url == f"{live_server.url}/dashboard/"
    assert page.locator("h1[data-node]").count() == 1
    assert page.locator(".kpi").count() > 10
    page.wait_for_selector('.chart-canvas[data-chart="daily"] svg')  # ECharts drew the trend, from our own server
    screenshot("dashboard-1-district")

    # Click the street's row (not its link): the same page one level down.
    page.locator(f'table.drill tr[data-node="{zhongxin.pk}"] td').first.click()
    page.wait_for_url(f"**/dashboard/?node={zhongxin.pk}*")
    assert page.locator("h1").inner_text().startswith("中心街街道")
    overdue = page.locator('.kpi[data-figure="overdue"] .kpi-value')
    assert overdue.inner_text() == str(expected["overdue"])
    assert page.locator('.kpi[data-figure="open"] .kpi-value').inner_text() == str(expected["open"])
    screenshot("dashboard-2-street")

    page.locator('.kpi[data-figure="overdue"] a').click()
    page.wait_for_url("**/dashboard/list/?*figure=overdue*")
    assert page.locator("tr[data-appeal]").count() == expected["overdue"]
    assert page.locator("h1 [data-count]").inner_text() == str(expected["overdue"])
    screenshot("dashboard-3-overdue-list")


def test_a_street_officer_sees_only_their_streets_dashboard(busy_district, people, streets, login, page, live_server):
    login("zhongxin")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("h1").inner_text().startswith("中心街街道")
    assert "税郭镇" not in page.content()
    response = page.goto(f"{live_server.url}/dashboard/?node={streets['税郭镇'].pk}")
    assert response.status == 404


def test_the_wall_shows_a_new_intake_after_its_refresh_and_does_not_grow(
    busy_district, people, make_appeal, login, page, live_server, screenshot
):
    page.set_viewport_size({"width": 1920, "height": 1080})
    login("center")
    page.clock.install()  # the page's timers run when the test says so
    page.goto(f"{live_server.url}/wall/")
    received = page.locator('[data-key="today.received"]')
    assert received.inner_text() == "0"
    assert page.locator('tbody[data-list="ranking"] tr').count() == 2
    screenshot("wall-1")

    appeal = make_appeal("received")  # a call comes in
    page.clock.run_for(31_000)  # the 30 s refresh fires: fetch, then redraw
    page.wait_for_function("() => document.getElementById('wall').dataset.refreshed === '2'")
    assert received.inner_text() == "1"
    assert page.locator(f'tbody[data-list="newest"] tr[data-id="{appeal.pk}"]').count() == 1
    assert page.url == f"{live_server.url}/wall/"  # no reload
    screenshot("wall-2-after-intake")

    # A long day on the screen: twenty more refreshes, and the page holds as many elements as before.
    size = page.evaluate("document.getElementsByTagName('*').length")
    for round_ in range(3, 23):
        page.clock.run_for(30_000)
        page.wait_for_function("r => document.getElementById('wall').dataset.refreshed === r", arg=str(round_))
    assert page.evaluate("document.getElementsByTagName('*').length") == size
