import datetime
import json

import pytest

from funding.models import ExpenseReport, ReportStatus, Voucher
from tests.funding.conftest import YEAR, allocate, budgets, households, staff  # noqa: F401 - fixtures
from tests.uploads import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded_street(people, streets, budgets, staff, clock):  # noqa: F811 - fixtures imported above
    clock.move_to(datetime.date(YEAR, 2, 3))
    for month in (1, 2):
        allocate(budgets["中心街街道"], month, maker=people.center, approver=people.admin)
    return streets["中心街街道"]


def test_street_submits_auditor_returns_street_resubmits_auditor_approves_and_budget_page_shows_the_month(
    people,
    staff,  # noqa: F811 - the fixture imported above
    funded_street,
    login,
    page,
    live_server,
    screenshot,
    tmp_path,
):
    def switch(username):
        # A fresh sign-in: signed in, the login page's first submit button is the header's log-out.
        page.context.clear_cookies()
        login(username)

    switch("zhongxin")
    page.goto(f"{live_server.url}/funding/")
    form = page.locator("#new-report")
    form.locator("select[name=street]").select_option(str(funded_street.pk))
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("input[name=month]").fill("1")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/funding/reports/*/")
    report = ExpenseReport.objects.get(street=funded_street, year=YEAR, month=1)

    add = page.locator("#add-line")
    add.locator("select[name=category]").select_option("manager_subsidy")
    add.locator("input[name=amount]").fill("800")
    add.locator("select[name=payee]").select_option(str(staff.manager.pk))
    add.locator("button[type=submit]").click()
    page.wait_for_selector("#lines tr[data-line]")
    add = page.locator("#add-line")
    add.locator("select[name=category]").select_option("training")
    add.locator("input[name=amount]").fill("120.50")
    add.locator("input[name=description]").fill("网格员业务培训")
    add.locator("button[type=submit]").click()
    page.wait_for_function("() => document.querySelectorAll('#lines tr[data-line]').length === 2")  # no eval (CSP)
    assert page.locator("#report-total").inner_text() == "920.50"
    page.click("#submit-report")
    page.wait_for_selector("#report-status[data-status=submitted]")

    switch("auditor")
    page.goto(f"{live_server.url}/funding/reports/?status=submitted")
    page.click(f"tr[data-report='{report.pk}'] a")
    page.fill("#review textarea[name=comment]", "培训费缺少发票，请补充后重新提交。")
    page.click("#return")
    page.wait_for_selector("#report-status[data-status=returned]")

    switch("zhongxin")
    page.goto(f"{live_server.url}/funding/reports/{report.pk}/")
    assert "培训费缺少发票" in page.locator("#events").inner_text()
    receipt = tmp_path / "培训发票.pdf"
    receipt.write_bytes(pdf_bytes())
    page.set_input_files("#attach input[name=file]", str(receipt))
    page.click("#attach button[type=submit]")
    page.wait_for_selector("#lines a[href*='/funding/receipts/'], a[href*='/funding/receipts/']")
    page.click("#submit-report")
    page.wait_for_selector("#report-status[data-status=submitted]")

    switch("auditor")
    page.goto(f"{live_server.url}/funding/reports/{report.pk}/")
    page.click("#approve")
    page.wait_for_selector("#report-status[data-status=approved]")
    assert ExpenseReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    assert Voucher.objects.filter(report=report, status="posted").count() == 1

    page.goto(f"{live_server.url}/funding/budget/?year={YEAR}&street={funded_street.pk}")
    cell = page.locator(f"#budget-table tr[data-street='{funded_street.pk}'] td.month[data-month='1']")
    assert "920.50" in cell.inner_text()
    assert "report-approved" in cell.get_attribute("class")
    chart = json.loads(page.locator("#month-chart-data").text_content())
    assert chart["series"][1]["data"][0] == 920.5  # spent in January, in yuan
    page.wait_for_selector("#month-chart svg")  # drawn by ECharts, served by us
    screenshot("funding-budget-vs-actual")
