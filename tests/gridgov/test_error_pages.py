"""The site's own 400/403/404/500 pages (DEBUG off, as in production and `make run`), in Chinese,
with a way back."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.gridgov.error_urls")]


@pytest.fixture
def chinese(people, client_for):
    return client_for(people.zhongxin, language="zh-hans")


def test_a_missing_page_shows_the_sites_404_in_chinese_with_the_navigation(settings, chinese):
    settings.DEBUG = False
    response = chinese.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'href="/appeals/"' in page  # base.html's navigation: the way on
    assert "返回" in page and "首页" in page
    assert "Page not found" not in page and "Traceback" not in page


def test_an_appeal_outside_the_officers_street_is_the_same_404(settings, chinese):
    settings.DEBUG = False
    response = chinese.get("/appeals/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_refusal_shows_the_sites_403_in_chinese_without_the_internal_reason(settings, chinese):
    settings.DEBUG = False
    response = chinese.get("/test-refuse/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page
    assert "internal reason" not in page


def test_a_crash_shows_the_standalone_500_in_chinese(settings, people):
    settings.DEBUG = False
    client = Client(raise_request_exception=False, headers={"accept-language": "zh-hans"})
    client.force_login(people.zhongxin)
    response = client.get("/test-crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page
    assert 'href="/"' in page
    assert "a bug" not in page and "Traceback" not in page


def test_the_500_page_renders_without_a_request_or_static_files():
    # Django renders it with an empty context; it must not need the manifest or the database.
    from django.template import loader

    page = loader.get_template("500.html").render({})
    assert "{%" not in page and "/static/" not in page


def test_an_anonymous_visitor_is_offered_the_login_on_a_404(settings):
    settings.DEBUG = False
    response = Client(headers={"accept-language": "zh-hans"}).get("/no-such-page/")
    assert response.status_code == 404
    assert "/login/?next=/no-such-page/" in response.content.decode()


def test_an_expired_form_shows_the_sites_page_in_chinese(settings, people):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "zh-hans"})
    client.force_login(people.zhongxin)
    response = client.post("/notifications/read/", {})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期" in page and "返回" in page
    assert "CSRF" not in page
