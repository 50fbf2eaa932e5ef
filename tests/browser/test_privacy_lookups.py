"""Phones and ID numbers typed into the pages travel in POST bodies, never in a URL: the hotline's
caller look-up (htmx), the resident list's ID-number look-up and the map's search. The report
page offers the reporter's consent to publish. Screenshots privacy-*.png."""

import pytest

from accounts.roles import Role
from gridgov.personal_data import open_value
from grids.services import assignment_start
from residents.models import Resident
from tests.factories import UserFactory
from tests.residents.conftest import categories, community_user, fresh_locator, registry  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("registry")]


def record_urls(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def test_the_hotline_finds_the_caller_by_a_post_and_the_phone_is_in_no_url(
    people, district, login, page, live_server, screenshot
):
    resident = Resident.objects.exclude(phone_cipher="").order_by("pk").first()
    phone = open_value(resident.phone_cipher)
    operator = UserFactory(username="hotline")
    assignment_start(actor=None, user=operator, role=Role.HOTLINE, node=district)
    login("hotline")
    urls = record_urls(page)
    page.goto(f"{live_server.url}/appeals/hotline/")
    page.locator("#id_reporter_phone").press_sequentially(phone)  # keyup: what htmx listens for
    page.wait_for_selector("#caller-result .use-resident")
    assert resident.name in page.inner_text("#caller-result")
    screenshot("privacy-hotline-caller")
    assert urls and not [u for u in urls if phone in u]


def test_the_resident_list_looks_an_id_number_up_by_post(people, login, page, live_server, screenshot):
    resident = Resident.objects.order_by("pk").first()
    number = open_value(resident.id_number_cipher)
    login("center")
    urls = record_urls(page)
    page.goto(f"{live_server.url}/registry/residents/")
    page.fill("#id-number-lookup input[name=id_number]", number)
    page.click("#id-number-lookup button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#residents tbody tr")
    assert rows.count() == 1 and resident.name in rows.first.inner_text()
    assert number not in page.content()
    screenshot("privacy-resident-id-lookup")
    assert not [u for u in urls if number in u]


def test_the_map_searches_an_id_number_by_post(people, login, page, live_server, screenshot):
    resident = Resident.objects.order_by("pk").first()
    number = open_value(resident.id_number_cipher)
    login("center")
    urls = record_urls(page)
    page.goto(f"{live_server.url}/registry/map/")
    page.wait_for_selector("#householdmap.loaded")
    page.fill("#search", number)
    page.locator("#map-search").evaluate("form => form.requestSubmit()")
    page.wait_for_selector("#search-results a[data-household]")
    assert resident.name in page.inner_text("#search-results")
    assert not [u for u in urls if number in u]


def test_the_report_page_asks_the_reporters_consent_to_publish(people, login, page, live_server, screenshot):
    from petitions.services import module_defaults_ensure

    module_defaults_ensure(actor=None)
    login("manager")
    page.goto(f"{live_server.url}/appeals/report/")
    label = page.locator("label.consent")
    assert "同意公开" in label.inner_text()
    assert not page.is_checked("label.consent input[name=public]")
    screenshot("privacy-report-consent")
