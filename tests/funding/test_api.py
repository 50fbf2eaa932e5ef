import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding import services
from funding.models import Account, Budget, ExpenseReport, ReportStatus, Voucher, VoucherStatus

from .conftest import YEAR, allocate, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 3))
    zx = make_report(people, streets["中心街街道"], 1, [("manager_subsidy", 80_000, staff.manager)])
    services.expense_report_approve(actor=people.auditor, report=zx)
    sg = make_report(people, streets["税郭镇"], 1, [("training", 5_000, None)], actor=people.shuiguo)
    return {"zx": zx, "sg": sg}


LISTS = [
    "funding-rate-list",
    "funding-budget-list",
    "funding-account-list",
    "funding-voucher-list",
    "funding-period-list",
    "funding-report-list",
    "api-funding-queue",
    "api-funding-late",
    "api-funding-budget-vs-actual",
    "api-funding-flags",
]


def names_in(data) -> str:
    return str(data)


@pytest.mark.parametrize("name", LISTS)
def test_every_list_endpoint_is_scoped_street_sees_its_own_and_others_are_refused(client_for, people, books, name):
    url = reverse(name) + f"?year={YEAR}"
    auditor = client_for(people.auditor).get(url)
    assert auditor.status_code == 200
    street = client_for(people.zhongxin).get(url)
    assert street.status_code == 200
    assert "税郭镇" not in names_in(street.json())
    for who in (people.grid_manager, people.department, people.nobody):
        assert client_for(who).get(url).status_code == 404


def test_detail_endpoints_hide_other_streets(client_for, people, books):
    client = client_for(people.zhongxin)
    sg = books["sg"]
    assert client.get(reverse("funding-report-detail", args=[sg.pk])).status_code == 404
    assert client.get(reverse("funding-report-detail", args=[books["zx"].pk])).status_code == 200
    sg_voucher = Voucher.objects.filter(street_id=sg.street_id).first()
    assert client.get(reverse("funding-voucher-detail", args=[sg_voucher.pk])).status_code == 404
    sg_budget = Budget.objects.get(street_id=sg.street_id)
    assert client.get(reverse("funding-budget-detail", args=[sg_budget.pk])).status_code == 404
    sg_account = Account.objects.filter(street_id=sg.street_id).first()
    assert client.get(reverse("funding-account-detail", args=[sg_account.pk])).status_code == 404
    assert client.get(reverse("funding-account-lines", args=[sg_account.pk])).status_code == 404
    assert client.get(reverse("api-funding-trial-balance")).status_code == 404
    assert client_for(people.auditor).get(reverse("api-funding-trial-balance")).json()["balanced"] is True


def test_the_whole_review_cycle_through_the_api(client_for, people, streets, staff, funded, clock):
    clock.move_to(datetime.date(YEAR, 2, 2))
    street = client_for(people.zhongxin)
    auditor = client_for(people.auditor)
    created = street.post(
        reverse("funding-report-list"),
        {"street": streets["中心街街道"].pk, "year": YEAR, "month": 1},
        "application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    bad = street.post(
        reverse("funding-report-add-line", args=[pk]),
        {"category": "manager_subsidy", "amount_fen": 100, "payee": staff.stranger.pk},
        "application/json",
    )
    assert bad.status_code == 400
    assert "held no" in bad.json()["detail"]
    assert (
        street.post(
            reverse("funding-report-add-line", args=[pk]), {"category": "other", "amount_fen": -1}, "application/json"
        ).status_code
        == 400
    )
    ok = street.post(
        reverse("funding-report-add-line", args=[pk]),
        {"category": "manager_subsidy", "amount_fen": 80_000, "payee": staff.manager.pk},
        "application/json",
    )
    assert ok.status_code == 201
    assert street.get(reverse("funding-report-validate", args=[pk])).json() == {"problems": []}
    assert street.post(reverse("funding-report-submit", args=[pk])).json()["status"] == "submitted"
    assert (
        auditor.post(reverse("funding-report-return", args=[pk]), {"comment": ""}, "application/json").status_code
        == 400
    )
    returned = auditor.post(reverse("funding-report-return", args=[pk]), {"comment": "补充说明"}, "application/json")
    assert returned.json()["status"] == "returned"
    assert street.post(reverse("funding-report-submit", args=[pk])).json()["status"] == "submitted"
    assert street.post(reverse("funding-report-approve", args=[pk])).status_code == 403
    approved = auditor.post(reverse("funding-report-approve", args=[pk]), {}, "application/json").json()
    assert approved["status"] == "approved"
    assert len(approved["vouchers"]) == 1
    assert [e["action"] for e in approved["events"]] == ["submit", "return", "submit", "approve"]


def test_vouchers_through_the_api_refuse_bad_input_and_editing_posted_ones(client_for, people, streets, budgets):
    center, admin = client_for(people.center), client_for(people.admin)
    accounts = services.street_accounts(streets["中心街街道"])
    fund = services.fund_account()
    body = {
        "street": streets["中心街街道"].pk, "date": f"{YEAR}-01-10", "kind": "adjustment", "memo": "测试",
        "lines": [{"account": accounts["allocation"].pk, "debit_fen": 500}, {"account": fund.pk, "credit_fen": 400}],
    }  # fmt: skip
    unbalanced = center.post(reverse("funding-voucher-list"), body, "application/json")
    assert unbalanced.status_code == 400
    assert "does not balance" in unbalanced.json()["detail"]
    body["lines"][1]["credit_fen"] = 500
    draft = center.post(reverse("funding-voucher-list"), body, "application/json").json()
    assert center.post(reverse("funding-voucher-post", args=[draft["id"]])).status_code == 403  # maker ≠ approver
    assert client_for(people.auditor).post(reverse("funding-voucher-post", args=[draft["id"]])).status_code == 403
    posted = admin.post(reverse("funding-voucher-post", args=[draft["id"]])).json()
    assert posted["status"] == VoucherStatus.POSTED
    assert posted["number"] == 1
    for method in ("put", "patch"):
        assert getattr(admin, method)(reverse("funding-voucher-detail", args=[draft["id"]]), {}).status_code == 405
    assert admin.delete(reverse("funding-voucher-detail", args=[draft["id"]])).status_code == 409
    reversal = center.post(reverse("funding-voucher-reverse", args=[draft["id"]]), {"date": f"{YEAR}-02-01"},
                           "application/json").json()  # fmt: skip
    assert reversal["reverses"] == draft["id"]
    closed = center.post(reverse("funding-period-close"), {"year": YEAR, "month": 2}, "application/json")
    assert closed.json()["status"] == "closed"
    refused = admin.post(reverse("funding-voucher-post", args=[reversal["id"]]))
    assert refused.status_code == 409
    assert "closed" in refused.json()["detail"]


def test_budget_freeze_and_allocation_through_the_api(client_for, people, streets, households):
    center = client_for(people.center)
    street = streets["中心街街道"]
    created = center.post(reverse("funding-budget-list"), {"street": street.pk, "year": YEAR, "frequency": "quarterly"},
                          "application/json")  # fmt: skip
    assert created.status_code == 201
    data = created.json()
    assert data["amount_fen"] == households["中心街街道"] * 6000
    assert sum(i["amount_fen"] for i in data["installments"]) == data["amount_fen"]
    assert (
        center.post(reverse("funding-budget-list"), {"street": street.pk, "year": YEAR}, "application/json").status_code
        == 409
    )
    assert client_for(people.auditor).post(reverse("funding-budget-list"), {"street": street.pk, "year": YEAR + 1},
                                           "application/json").status_code == 403  # fmt: skip
    assert (
        center.post(reverse("funding-budget-allocate", args=[data["id"]]), {"month": 2}, "application/json").status_code
        == 400
    )
    draft = center.post(reverse("funding-budget-allocate", args=[data["id"]]), {"month": 4}, "application/json")
    assert draft.status_code == 201
    assert draft.json()["kind"] == "allocation"


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", LISTS)
def test_list_endpoints_take_a_constant_number_of_queries(client_for, people, streets, staff, books, budgets, name,
                                                          clock):  # fmt: skip
    clock.move_to(datetime.date(YEAR, 4, 3))
    client = client_for(people.auditor)
    url = reverse(name) + f"?year={YEAR}"
    before = _count(client, url)
    for month in (2, 3):
        make_report(
            people, streets["中心街街道"], month, [("other", 100, None), ("manager_subsidy", 500, staff.manager)]
        )
        make_report(people, streets["税郭镇"], month, [("training", 300, None)], actor=people.shuiguo)
    allocate(budgets["中心街街道"], 4, maker=people.center, approver=people.admin)
    assert _count(client, url) == before


def test_the_openapi_schema_lists_the_funding_endpoints(client_for, people):
    schema = client_for(people.auditor).get(reverse("api-schema") + "?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/funding/reports/",
        "/api/funding/reports/{id}/approve/",
        "/api/funding/budget-vs-actual/",
        "/api/funding/flags/",
        "/api/funding/vouchers/{id}/reverse/",
        "/api/funding/trial-balance/",
    ):
        assert path in paths, path


def test_a_street_officer_cannot_open_a_report_for_another_street(client_for, people, streets, clock):
    clock.move_to(datetime.date(YEAR, 2, 2))
    response = client_for(people.zhongxin).post(
        reverse("funding-report-list"), {"street": streets["税郭镇"].pk, "year": YEAR, "month": 1}, "application/json"
    )
    assert response.status_code == 404
    assert not ExpenseReport.objects.exists()
    assert ReportStatus.DRAFT == "draft"
