"""Two people acting at once, each on a connection of its own (real transactions)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from funding import selectors, services
from funding.models import ExpenseReport, ReportStatus, Voucher
from gridgov.errors import DomainError

from .conftest import YEAR, make_report

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Start every call at once in its own thread; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs one writer at a time anyway")
def test_postings_at_the_same_time_get_consecutive_numbers_without_gaps(people, budgets):
    drafts = [
        services.allocation_prepare(actor=people.center, budget=budgets["中心街街道"], month=1),
        services.allocation_prepare(actor=people.center, budget=budgets["税郭镇"], month=1),
    ]
    results = run_together(*[lambda d=d: services.voucher_post(actor=people.admin, voucher=d) for d in drafts])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Voucher.objects.posted().values_list("number", flat=True)) == [1, 2]
    assert selectors.trial_balance().balanced


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite runs one writer at a time anyway")
def test_two_auditors_reviewing_one_report_at_once_cannot_both_win(people, streets, staff, funded, clock):
    from grids.services import assignment_start
    from tests.factories import UserFactory

    clock.move_to(datetime.date(YEAR, 2, 3))
    second = UserFactory(username="auditor2")
    assignment_start(actor=None, user=second, role="auditor", node=streets["中心街街道"].parent)
    report = make_report(people, streets["中心街街道"], 1, [("other", 100, None)])
    results = run_together(
        lambda: services.expense_report_approve(actor=people.auditor, report=report),
        lambda: services.expense_report_return(actor=second, report=report, comment="请补充"),
    )
    assert sum(isinstance(r, DomainError) for r in results) == 1, results
    final = ExpenseReport.objects.get(pk=report.pk)
    assert final.status in (ReportStatus.APPROVED, ReportStatus.RETURNED)
    assert final.events.exclude(action="submit").count() == 1
    assert Voucher.objects.filter(report=report).count() == (1 if final.status == ReportStatus.APPROVED else 0)
