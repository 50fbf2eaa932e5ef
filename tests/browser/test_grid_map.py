import pytest

from grids.models import GridNode, Level

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_officer_logs_in_sees_their_street_on_the_map_and_drills_down(people, login, page, screenshot):
    login("zhongxin")
    # The street office lands on its queue; "My areas" in the header opens its street.
    page.click("header nav a[data-section='grid-home']")
    page.wait_for_url("**/grids/*/")

    street = GridNode.objects.get(name="中心街街道")
    assert page.url.endswith(f"/grids/{street.pk}/")
    assert page.locator("h1").inner_text().startswith("中心街街道")
    page.wait_for_selector("#gridmap.loaded")
    communities = street.get_children().count()
    assert page.locator("#gridmap").get_attribute("data-features") == str(communities)
    assert page.locator("#gridmap path.leaflet-interactive").count() == communities
    # Signed in (no login form), and the page is in Chinese.
    assert page.locator("input[name=password]").count() == 0
    assert "退出登录" in page.locator("header").inner_text()
    screenshot("street-officer-map")

    # Click the first community's polygon on the map and land on its page.
    page.locator("#gridmap path.leaflet-interactive").first.click(force=True)
    page.wait_for_url("**/grids/*/")
    opened = GridNode.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))
    assert opened.parent_id == street.pk
    assert opened.level == Level.COMMUNITY
    page.wait_for_selector("#gridmap.loaded")


def test_street_officer_cannot_open_another_streets_page(people, login, page, live_server):
    login("zhongxin")
    other = GridNode.objects.get(name="税郭镇")
    response = page.goto(f"{live_server.url}/grids/{other.pk}/")
    assert response.status == 404
