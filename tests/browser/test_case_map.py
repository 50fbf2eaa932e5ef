"""The case map in a real browser (Chinese): the center opens it from the dashboard, sees the
district's open appeals as clusters counted by the database, clicks a cluster until the
single appeals show, clicks one and gets its card, with the text escaped."""

# ruff: noqa: F811  (pytest fixtures imported from the dashboard conftest)

import pytest

from dashboard.hotspots import hotspot_tasks_create
from dashboard.models import HotspotRule, ProactiveTask
from petitions.models import Appeal
from tests.dashboard.conftest import busy_district  # noqa: F401
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NASTY = '<img src=x onerror="window.pwned=1">东风路12号'


def wait_loaded(page, previous_zoom=None):
    page.wait_for_function(
        "z => { const m = document.getElementById('casemap');"
        " return m.classList.contains('loaded') && m.dataset.zoom !== z; }",
        arg=str(previous_zoom) if previous_zoom is not None else "",
    )
    m = page.locator("#casemap")
    return m.get_attribute("data-mode"), int(m.get_attribute("data-zoom")), int(m.get_attribute("data-count"))


def test_the_center_opens_the_case_map_zooms_into_a_cluster_and_opens_an_appeals_card(
    busy_district, people, streets, login, page, live_server, screenshot
):
    zhongxin = streets["中心街街道"]
    Appeal.objects.open().filter(street=zhongxin).update(address=NASTY)
    open_count = Appeal.objects.open().count()

    # A hot spot: the many appeals of one module in one unit grid make a proactive task.
    HotspotRule.objects.all().delete()  # the data migration's defaults, if still there
    rule = HotspotRule.objects.create(name="同一网格同类诉求30天3次", kind="grid_module", threshold=3, days=30)
    hotspot_tasks_create(actor=None)
    task = ProactiveTask.objects.filter(rule=rule, street=zhongxin).first()

    login("center")
    assert page.url == f"{live_server.url}/dashboard/"
    row = page.locator(f'tr[data-task="{task.pk}"]')
    assert people.grid_manager.name and people.grid_manager.name in row.inner_text()
    assert "民政" in row.inner_text() and "近 30 天" in row.inner_text()  # why, in Chinese
    screenshot("case-map-0-dashboard-with-hot-spot")
    page.get_by_role("link", name="诉求地图").first.click()
    page.wait_for_url("**/dashboard/map/")
    mode, zoom, count = wait_loaded(page)
    assert mode == "clusters" and count == open_count
    assert page.locator("#case-count").inner_text() == str(open_count)
    page.wait_for_selector("#casemap.base-loaded")  # the grid outlines under the points
    clusters = page.locator("#casemap .case-cluster")
    assert clusters.count() >= 2
    assert page.locator("#casemap .case-cluster.colour-red").count() >= 1
    screenshot("case-map-1-district")

    # Click the cluster with the most appeals until the single appeals show.
    for _ in range(6):
        if mode == "points":
            break
        page.evaluate(
            "() => { const ms = []; window.caseMap.layer.eachLayer((m) => ms.push(m));"
            " ms.sort((a, b) => Number(b.getElement().textContent) - Number(a.getElement().textContent));"
            " ms[0].getElement().click(); }"
        )
        mode, zoom, count = wait_loaded(page, zoom)
    assert mode == "points"
    assert page.locator("#casemap .case-point").count() == count > 1
    # Appeals at one address are fanned out around it, not drawn on top of each other.
    spots = page.evaluate(
        "() => new Set([...document.querySelectorAll('#casemap .case-point')]"
        ".map((e) => { const b = e.getBoundingClientRect(); return `${Math.round(b.x)},${Math.round(b.y)}`; })).size"
    )
    assert spots == count

    page.locator("#casemap .case-point").last.click()
    card = page.locator("#case-card")
    page.wait_for_selector("#case-card[data-appeal]")
    appeal = Appeal.objects.get(pk=int(card.get_attribute("data-appeal")))
    assert appeal.is_open and appeal.street_id == zhongxin.pk
    assert NASTY in card.inner_text()  # shown as text, never as markup
    assert page.evaluate("window.pwned") is None
    assert card.locator("img").count() == 0
    link = card.get_by_role("link", name="打开诉求")
    assert link.get_attribute("href") == f"/appeals/{appeal.pk}/"
    screenshot("case-map-2-card")

    # A filter: red slips only.
    page.select_option("#casemap-filters select[name=colour]", "red")
    page.wait_for_function(
        "n => document.getElementById('casemap').dataset.count === String(n)",
        arg=Appeal.objects.open().filter(colour="red", street=zhongxin).count(),
    )
    link.click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
