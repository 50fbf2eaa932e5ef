"""Separation of duties: the administrator (and a superuser, who counts as one) configures and
takes no part in workflows; only auditors review expense reports; the hotline has no funding
view."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from funding.services.reports import expense_report_approve, expense_report_create
from gridgov.errors import NotAllowed
from grids.services import grid_node_update
from petitions import services as appeals
from petitions.services.supervision import slip_issue
from tests.factories import UserFactory
from tests.petitions.conftest import make_appeal, modules, places  # noqa: F401


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_a_superuser_cannot_approve_an_expense_report(root, people, streets, clock):
    report = expense_report_create(actor=None, street=streets["中心街街道"], year=clock.today.year, month=1)
    with pytest.raises(NotAllowed):
        expense_report_approve(actor=root, report=report)
    with pytest.raises(NotAllowed):
        expense_report_approve(actor=people.admin, report=report)


def test_a_superuser_and_the_admin_cannot_move_an_appeal_or_issue_a_slip(root, people, make_appeal):  # noqa: F811
    appeal = make_appeal("received")
    for actor in (root, people.admin):
        with pytest.raises(NotAllowed):
            appeals.appeal_register(actor=actor, appeal=appeal)
        with pytest.raises(NotAllowed):
            slip_issue(actor=actor, appeal=appeal, colour="yellow", reason="test")


def test_a_superuser_still_configures_as_an_administrator(root, people, streets):
    node = grid_node_update(actor=root, node=streets["税郭镇"], name="税郭镇（新）")
    assert node.name == "税郭镇（新）"


def test_a_superuser_is_not_shown_the_workflow_desks(root, client_for):
    client = client_for(root)
    for name in ("appeal-inbox", "appeal-hotline", "appeal-queue", "appeal-return-visits"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse("audit-log")).status_code == 200


def test_the_hotline_operator_reads_no_funding_data(everyone, client_for):
    client = client_for(everyone[Role.HOTLINE])
    for name in ("funding-home", "funding-vouchers", "funding-ledger"):
        assert client.get(reverse(name)).status_code == 404, name
    for name in ("funding-voucher-list", "funding-report-list", "api-funding-trial-balance"):
        assert client.get(reverse(name)).status_code == 404, name


def test_auditors_review_and_read_the_books(people, client_for):
    client = client_for(people.auditor)
    assert client.get(reverse("funding-voucher-list")).status_code == 200
    assert client.get(reverse("funding-reports")).status_code == 200
