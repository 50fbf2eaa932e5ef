import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding import services
from funding.models import Account, ExpenseReport, Receipt, ReportStatus, Voucher
from tests.uploads import pdf_bytes
from tests.xlsx_cells import HOSTILE, formula_cells

from .conftest import YEAR, allocate, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(people, streets, staff, funded, clock):
    """Both streets with January reports (中心街's approved, 税郭镇's submitted)."""
    clock.move_to(datetime.date(YEAR, 2, 3))
    zx = make_report(people, streets["中心街街道"], 1, [("manager_subsidy", 80_000, staff.manager)])
    services.expense_report_approve(actor=people.auditor, report=zx)
    sg = make_report(people, streets["税郭镇"], 1, [("training", 5_000, None)], actor=people.shuiguo)
    return {"zx": zx, "sg": sg}


LIST_PAGES = [
    "funding-home",
    "funding-budget",
    "funding-reports",
    "funding-ledger",
    "funding-vouchers",
    "funding-flags",
    "funding-late",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_funding_page_opens_for_auditors_and_street_officers_and_is_refused_to_others(
    client_for, people, books, name
):
    url = reverse(name) + f"?year={YEAR}"
    for who in (people.auditor, people.center, people.bureau, people.zhongxin):
        assert client_for(who).get(url).status_code == 200, who
    for who in (people.grid_manager, people.department, people.nobody):
        assert client_for(who).get(url).status_code == 404, who


@pytest.mark.parametrize("name", ["funding-budget", "funding-reports", "funding-ledger", "funding-vouchers",
                                  "funding-flags", "funding-late"])  # fmt: skip
def test_every_list_page_exports_to_xlsx(client_for, people, books, name):
    response = client_for(people.auditor).get(reverse(name) + f"?year={YEAR}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 1


def test_street_officer_sees_only_their_own_street_on_every_list(client_for, people, books):
    client = client_for(people.zhongxin)
    for name in ("funding-home", "funding-budget", "funding-reports", "funding-vouchers", "funding-ledger"):
        body = client.get(reverse(name) + f"?year={YEAR}").content.decode()
        assert "中心街街道" in body, name
        assert "税郭镇" not in body, name
    other = books["sg"]
    assert client.get(reverse("funding-report", args=[other.pk])).status_code == 404
    assert client.get(reverse("funding-report-print", args=[other.pk])).status_code == 404
    sg_street = other.street_id
    assert client.get(reverse("funding-street", args=[sg_street])).status_code == 404
    sg_voucher = Voucher.objects.filter(street_id=sg_street).first()
    assert client.get(reverse("funding-voucher", args=[sg_voucher.pk])).status_code == 404
    sg_account = Account.objects.filter(street_id=sg_street).first()
    assert client.get(reverse("funding-account", args=[sg_account.pk])).status_code == 404
    fund = Account.objects.get(code="1001")
    assert client.get(reverse("funding-account", args=[fund.pk])).status_code == 404


def test_auditor_sees_every_street_and_drills_from_ledger_to_voucher_to_report(client_for, people, books):
    client = client_for(people.auditor)
    body = client.get(reverse("funding-budget") + f"?year={YEAR}").content.decode()
    assert "中心街街道" in body
    assert "税郭镇" in body
    voucher = Voucher.objects.get(report=books["zx"])
    account = voucher.lines.filter(debit_fen__gt=0).first().account
    assert voucher.label in client.get(reverse("funding-account", args=[account.pk]) + f"?year={YEAR}").content.decode()
    page = client.get(reverse("funding-voucher", args=[voucher.pk])).content.decode()
    assert reverse("funding-report", args=[books["zx"].pk]) in page
    assert client.get(reverse("funding-report-print", args=[books["zx"].pk])).status_code == 200


def test_auditor_cannot_change_anything_outside_the_review(client_for, people, books, budgets):
    client = client_for(people.auditor)
    draft = services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=4)
    assert client.post(reverse("funding-voucher", args=[draft.pk]), {"action": "post"}).status_code == 403
    report = books["sg"]
    client.post(reverse("funding-report", args=[report.pk]), {"action": "add_line", "category": "other", "amount": "5"})
    assert report.lines.count() == 1
    # ... but the review itself works.
    client.post(reverse("funding-report", args=[report.pk]), {"action": "return", "comment": "请补充发票"})
    assert ExpenseReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED


def test_street_prepares_and_submits_a_report_through_the_page(client_for, people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 2))
    client = client_for(people.zhongxin)
    response = client.post(
        reverse("funding-report-new"), {"street": streets["中心街街道"].pk, "year": YEAR, "month": 1}
    )
    report = ExpenseReport.objects.get(street=streets["中心街街道"], year=YEAR, month=1)
    assert response.url == reverse("funding-report", args=[report.pk])
    url = response.url
    client.post(
        url, {"action": "add_line", "category": "manager_subsidy", "amount": "800.00", "payee": staff.manager.pk}
    )
    client.post(url, {"action": "add_line", "category": "manager_subsidy", "amount": "-3", "payee": staff.manager.pk})
    client.post(url, {"action": "add_line", "category": "printing", "amount": "12.50", "description": "打印"})
    assert sorted(report.lines.values_list("amount_fen", flat=True)) == [1250, 80_000]
    upload = SimpleUploadedFile("发票.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(url, {"action": "attach", "file": upload})
    receipt = Receipt.objects.get(report=report)
    assert client.get(reverse("funding-receipt", args=[receipt.pk])).status_code == 200
    assert client_for(people.shuiguo).get(reverse("funding-receipt", args=[receipt.pk])).status_code == 404
    client.post(url, {"action": "submit"})
    assert ExpenseReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_an_unknown_payee_on_the_page_gets_a_clear_message(client_for, people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 2))
    report = make_report(people, streets["中心街街道"], 1, [], submit=False)
    response = client_for(people.zhongxin).post(
        reverse("funding-report", args=[report.pk]),
        {"action": "add_line", "category": "manager_subsidy", "amount": "10", "payee": staff.stranger.pk},
        follow=True,
    )
    assert not report.lines.exists()
    assert response.status_code == 200
    assert "Payee (subsidies)" in response.content.decode()  # the form names the field it refused


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_take_a_constant_number_of_queries(client_for, people, streets, staff, books, budgets, name, clock):
    clock.move_to(datetime.date(YEAR, 4, 3))
    client = client_for(people.auditor)
    url = reverse(name) + f"?year={YEAR}"
    before = _queries(client, url)
    # More data: two more months of allocations and reports.
    for month in (2, 3):
        make_report(
            people, streets["中心街街道"], month, [("other", 100, None), ("manager_subsidy", 500, staff.manager)]
        )
        make_report(people, streets["税郭镇"], month, [("training", 300, None)], actor=people.shuiguo)
    allocate(budgets["中心街街道"], 4, maker=people.center, approver=people.admin)
    assert _queries(client, url) == before


def test_detail_pages_take_a_constant_number_of_queries(client_for, people, streets, staff, books, clock):
    client = client_for(people.auditor)
    report = books["sg"]
    url = reverse("funding-report", args=[report.pk])
    before = _queries(client, url)
    services.expense_report_return(actor=people.auditor, report=report, comment="x")
    for _ in range(3):
        services.expense_line_add(actor=people.shuiguo, report=report, category="other", amount_fen=100)
    assert _queries(client, url) == before


def test_the_admin_shows_vouchers_read_only_and_refuses_edits_and_deletes(client, people, books):
    from tests.factories import UserFactory

    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    voucher = Voucher.objects.get(report=books["zx"])
    change = reverse("admin:funding_voucher_change", args=[voucher.pk])
    assert client.get(change).status_code == 200  # viewable
    assert client.post(change, {"memo": "edited"}).status_code == 403
    assert client.post(reverse("admin:funding_voucher_delete", args=[voucher.pk]), {"post": "yes"}).status_code == 403
    assert Voucher.objects.get(pk=voucher.pk).memo == voucher.memo
    assert client.get(reverse("admin:funding_voucher_changelist")).status_code == 200


def test_the_funding_desk_freezes_drafts_posts_and_closes_and_is_the_command_centers_alone(
    client_for, people, streets, households, clock
):
    from funding.models import Budget, Period, VoucherStatus

    clock.move_to(datetime.date(YEAR, 1, 2))
    url = reverse("funding-manage") + f"?year={YEAR}"
    for who in (people.auditor, people.zhongxin, people.bureau):
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).post(url, {"action": "freeze"}).status_code == 404
    center, admin = client_for(people.center), client_for(people.admin)
    assert center.get(url).status_code == 200
    center.post(url, {"action": "freeze", "frequency": "monthly"})
    assert Budget.objects.filter(year=YEAR).count() == 2
    center.post(url, {"action": "allocate", "month": 1})
    drafts = list(Voucher.objects.filter(status=VoucherStatus.DRAFT).values_list("pk", flat=True))
    assert len(drafts) == 2
    center.post(url, {"action": "post", "voucher": drafts})  # the maker cannot post them
    assert Voucher.objects.filter(status=VoucherStatus.DRAFT).count() == 2
    admin.post(url, {"action": "post", "voucher": drafts})
    assert sorted(Voucher.objects.posted().values_list("number", flat=True)) == [1, 2]
    center.post(url, {"action": "close", "month": 1})
    assert Period.objects.get(year=YEAR, month=1).status == "closed"
    before = _queries(center, url)
    center.post(url, {"action": "allocate", "month": 2})
    assert _queries(center, url) == before


@pytest.mark.parametrize("name", ["funding-budget", "funding-reports", "funding-ledger", "funding-vouchers",
                                  "funding-flags", "funding-late"])  # fmt: skip
def test_a_street_or_memo_typed_as_a_formula_is_exported_as_text(client_for, people, books, name):
    from grids.models import GridNode, Level

    GridNode.objects.filter(level=Level.STREET).update(name=HOSTILE)
    Voucher.objects.filter(status="draft").update(memo=HOSTILE)
    response = client_for(people.auditor).get(reverse(name) + f"?year={YEAR}&format=xlsx")
    assert response.status_code == 200
    assert formula_cells(response.content) == []
