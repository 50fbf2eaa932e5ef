"""Pages whose scripts are not ours, under the Content-Security-Policy: Swagger UI (served by
drf-spectacular's split view: its start script is a file) and the admin. The page fixture fails
the test on any violation the browser reports."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_and_the_admin_run_under_the_policy(people, login, page, live_server, screenshot):
    people.admin.is_staff = True
    people.admin.is_superuser = True
    people.admin.save(update_fields=["is_staff", "is_superuser"])
    login("admin")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    screenshot("csp-api-docs")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#content")
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.wait_for_selector("#result_list")
