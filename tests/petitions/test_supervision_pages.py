"""The supervision board, its export, slips on the appeal page, and the slips API: scope and
query counts."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from petitions.models import SupervisionSlip
from petitions.services.supervision import appeal_supervise
from tests.xlsx_cells import HOSTILE, formula_cells, text_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def slipped(make_appeal):
    """Overdue appeals of both streets, with their slips."""

    def make(n=1):
        made = []
        for i in range(n):
            where = "zhongxin" if i % 2 == 0 else "shuiguo"
            appeal = make_appeal("in_progress", where=where)
            appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(hours=1))
            made.append(appeal)
        return made

    return make


def test_the_board_lists_every_open_slip_for_the_command_center_and_the_bureau(slipped, people, client_for):
    slipped(2)
    # Each overdue appeal earned blue, yellow and orange; the orange superseded the others.
    assert SupervisionSlip.objects.count() == 6
    for user in (people.center, people.bureau):
        response = client_for(user).get("/appeals/supervision/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('data-slip="') == 2
        # Each row points to the ladder the appeal climbed.
        assert page.count("2 earlier slips") == 2
    for user in (people.grid_manager, people.nobody, people.auditor):
        assert client_for(user).get("/appeals/supervision/").status_code == 404


def test_in_chinese_a_slip_is_closed_with_the_button_xiaohao_not_a_bill_settled(slipped, people, client_for):
    (appeal,) = slipped(1)
    board = client_for(people.center, "zh-hans").get("/appeals/supervision/").content.decode()
    detail = client_for(people.center, "zh-hans").get(f"/appeals/{appeal.pk}/").content.decode()
    for html in (board, detail):
        assert '<button type="submit">销号</button>' in html
        assert "结账" not in html


def test_a_street_sees_its_own_slips_on_the_board_and_cannot_close_them(slipped, people, client_for):
    mine, theirs = slipped(2)
    page = client_for(people.zhongxin).get("/appeals/supervision/").content.decode()
    own = SupervisionSlip.objects.filter(appeal=mine, closed_at__isnull=True)
    assert own.exists()
    assert page.count('data-slip="') == own.count()
    assert all(f'data-slip="{s.pk}"' in page for s in own)
    assert not any(f'data-slip="{s.pk}"' in page for s in SupervisionSlip.objects.filter(appeal=theirs))
    assert "/close/" not in page and 'name="unit"' not in page
    other = client_for(people.shuiguo).get("/appeals/supervision/").content.decode()
    assert other.count('data-slip="') == SupervisionSlip.objects.filter(appeal=theirs, closed_at__isnull=True).count()


def test_a_department_sees_the_slips_of_the_appeals_dispatched_to_it(make_appeal, people, client_for):
    ours = make_appeal("in_progress", where="shuiguo", unit="department")
    other = make_appeal("in_progress")
    for appeal in (ours, other):
        appeal_supervise(appeal=appeal, now=appeal.deadline + datetime.timedelta(hours=1))
    page = client_for(people.department).get("/appeals/supervision/").content.decode()
    assert page.count('data-slip="') == SupervisionSlip.objects.filter(appeal=ours, closed_at__isnull=True).count() > 0


def test_the_board_filters_by_colour_and_state(slipped, people, client_for):
    slipped(2)
    client = client_for(people.center)
    assert client.get("/appeals/supervision/?colour=orange").content.decode().count('data-slip="') == 2
    assert client.get("/appeals/supervision/?colour=blue").content.decode().count('data-slip="') == 0
    # The superseded blue and yellow slips are on record as closed.
    assert client.get("/appeals/supervision/?state=closed").content.decode().count('data-slip="') == 4
    slip = SupervisionSlip.objects.filter(colour="orange").first()
    client.post(f"/appeals/supervision/slips/{slip.pk}/close/", {"note": "ok"})
    assert client.get("/appeals/supervision/?colour=orange").content.decode().count('data-slip="') == 1
    assert client.get("/appeals/supervision/?state=closed").content.decode().count('data-slip="') == 5


def test_the_board_takes_the_same_number_of_queries_for_few_and_many_slips(slipped, people, client_for):
    client = client_for(people.center)
    slipped(1)
    with CaptureQueriesContext(connection) as few:
        client.get("/appeals/supervision/")
    slipped(4)
    with CaptureQueriesContext(connection) as many:
        client.get("/appeals/supervision/")
    assert len(few) == len(many)


def test_the_board_exports_what_it_shows_to_xlsx(slipped, people, client_for):
    slipped(2)
    response = client_for(people.bureau).get("/appeals/supervision/export.xlsx?colour=orange")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "Slip"
    street = client_for(people.zhongxin).get("/appeals/supervision/export.xlsx")
    street_rows = list(load_workbook(io.BytesIO(street.content)).active.iter_rows(values_only=True))
    assert (
        len(street_rows) - 1
        == SupervisionSlip.objects.filter(appeal__street__name="中心街街道", closed_at__isnull=True).count()
    )
    assert client_for(people.grid_manager).get("/appeals/supervision/export.xlsx").status_code == 404


def test_the_appeal_page_shows_its_slips_and_colour_and_the_unit_acknowledges(slipped, people, client_for):
    [appeal] = slipped(1)
    client = client_for(people.zhongxin)
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    # Its history: the blue and yellow slips superseded by the orange one.
    assert page.count('data-slip="') == 3 and "colour-orange" in page
    assert "superseded by the Yellow slip" in page and "superseded by the Orange slip" in page
    assert "Issue a slip" not in page
    orange = SupervisionSlip.objects.get(appeal=appeal, colour="orange")
    client.post(f"/appeals/supervision/slips/{orange.pk}/acknowledge/")
    orange.refresh_from_db()
    assert orange.acknowledged_by == people.zhongxin
    # A street office may not close it.
    client.post(f"/appeals/supervision/slips/{orange.pk}/close/")
    orange.refresh_from_db()
    assert orange.closed_at is None


def test_the_queue_shows_each_appeals_colour(slipped, people, client_for):
    slipped(1)
    page = client_for(people.zhongxin).get("/appeals/queue/").content.decode()
    assert 'class="colour colour-orange"' in page


def test_the_command_center_issues_a_slip_by_hand_from_the_appeal_page(make_appeal, people, client_for):
    appeal = make_appeal("in_progress")
    client_for(people.center).post(f"/appeals/{appeal.pk}/slip/", {"colour": "yellow", "reason": "群众多次来电"})
    assert SupervisionSlip.objects.filter(appeal=appeal, colour="yellow", manual=True).count() == 1
    client_for(people.zhongxin).post(f"/appeals/{appeal.pk}/slip/", {"colour": "red", "reason": "x"})
    assert not SupervisionSlip.objects.filter(appeal=appeal, colour="red").exists()


# API


def test_a_street_sees_through_the_api_only_its_own_appeals_slips(slipped, people, client_for):
    zx, sg = slipped(2)
    ids = lambda user: {r["appeal_id"] for r in client_for(user).get("/api/appeals/slips/").json()["results"]}  # noqa: E731
    assert ids(people.zhongxin) == {zx.pk}
    assert ids(people.shuiguo) == {sg.pk}
    assert ids(people.center) == ids(people.bureau) == {zx.pk, sg.pk}
    assert ids(people.nobody) == set()
    other = SupervisionSlip.objects.filter(appeal=sg).first()
    assert client_for(people.zhongxin).get(f"/api/appeals/slips/{other.pk}/").status_code == 404
    assert client_for(people.zhongxin).post(f"/api/appeals/slips/{other.pk}/acknowledge/").status_code == 404


def test_the_slips_api_lists_in_a_constant_number_of_queries(slipped, people, client_for):
    client = client_for(people.center)
    slipped(1)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/appeals/slips/")
    slipped(4)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/appeals/slips/")
    assert len(few) == len(many)


def test_the_api_issues_acknowledges_and_closes_slips_with_the_roles_checked(make_appeal, people, client_for):
    appeal = make_appeal("in_progress")
    refused = client_for(people.zhongxin).post(
        "/api/appeals/slips/", {"appeal": appeal.pk, "colour": "red", "reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    made = client_for(people.bureau).post(
        "/api/appeals/slips/", {"appeal": appeal.pk, "colour": "red", "reason": "问责"}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["to_bureau"] and made.json()["manual"]
    pk = made.json()["id"]
    acked = client_for(people.zhongxin).post(f"/api/appeals/slips/{pk}/acknowledge/")
    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
    assert client_for(people.zhongxin).post(f"/api/appeals/slips/{pk}/close/").status_code == 403
    closed = client_for(people.center).post(f"/api/appeals/slips/{pk}/close/", {"note": "已整改"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert client_for(people.center).post(f"/api/appeals/slips/{pk}/close/").status_code == 409
    assert client_for(people.center).get("/api/appeals/slips/?colour=red&state=closed").json()["count"] == 1


def test_the_slips_endpoints_are_in_the_openapi_schema(people, client_for):
    schema = client_for(people.center).get("/api/schema/?format=json").json()
    assert {"/api/appeals/slips/", "/api/appeals/slips/{id}/acknowledge/", "/api/appeals/slips/{id}/close/"} <= set(
        schema["paths"]
    )


def test_the_admin_lists_slips_read_only_and_never_deletes_them(slipped, people, client_for):
    from django.contrib import admin

    [appeal] = slipped(1)
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client = client_for(people.admin)
    assert client.get("/admin/petitions/supervisionslip/").status_code == 200
    slip = SupervisionSlip.objects.filter(appeal=appeal).first()
    assert client.get(f"/admin/petitions/supervisionslip/{slip.pk}/change/").status_code == 200
    model_admin = admin.site._registry[SupervisionSlip]
    assert not model_admin.has_delete_permission(None, slip)


def test_a_slip_reason_typed_as_a_formula_is_exported_as_text(slipped, people, client_for):
    slipped(2)
    SupervisionSlip.objects.update(reason=HOSTILE)
    content = client_for(people.bureau).get("/appeals/supervision/export.xlsx").content
    assert formula_cells(content) == []
    assert HOSTILE in text_values(content)
