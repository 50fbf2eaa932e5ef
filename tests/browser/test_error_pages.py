"""The site's own error pages as a user meets them in the browser: Chinese, the site's look,
a way back."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.gridgov.error_urls"),
]


def test_the_403_and_500_pages_are_the_sites_own_in_chinese(people, login, page, live_server, screenshot):
    login("zhongxin")
    response = page.goto(f"{live_server.url}/test-refuse/")
    assert response.status == 403
    assert page.locator("h1").inner_text().startswith("无权访问")
    assert page.locator(".topbar").is_visible()  # base.html: the navigation is there to go on
    screenshot("error-403")

    response = page.goto(f"{live_server.url}/test-crash/")
    assert response.status == 500
    assert page.locator("h1").inner_text().startswith("服务器出错")
    page.click("text=首页")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") != f"{live_server.url}/test-crash"
    page.go_back()
    screenshot("error-500")
