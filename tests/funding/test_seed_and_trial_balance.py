from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from funding import selectors
from funding.demo import seed_year
from funding.models import Budget, ExpenseReport, ReportEvent, ReportStatus, Voucher
from funding.selectors import FlagKind, TrialBalance
from grids.models import GridNode, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(seeded_small_district):
    return seed_year(timezone.localdate())


class TestTheSeededDistrict:
    def test_the_demo_district_budget_is_60_yuan_per_household_and_the_streets_sum_to_it_to_the_fen(self, seeded):
        year, _months = seeded
        district = GridNode.objects.get(level=Level.DISTRICT)
        budgets = Budget.objects.filter(year=year)
        assert budgets.count() == 11
        total = budgets.aggregate(s=Sum("amount_fen"))["s"]
        assert total == 6000 * district.households
        assert total == sum(b.households * b.fen_per_household for b in budgets)
        assert district.households > 0
        # At paper scale the registry's ~190,000 households make this ≈ 11.4 M yuan:
        # bench/bench_funding.py checks and reports it (docs/benchmarks.md).
        # Each street's breakdown to its communities sums to the street's budget.
        for b in budgets:
            communities = b.shares.filter(node__level=Level.COMMUNITY).aggregate(s=Sum("amount_fen"))["s"]
            assert communities == b.amount_fen

    def test_the_demo_year_has_approved_returned_resubmitted_and_late_reports_and_balanced_books(self, seeded):
        year, months = seeded
        reports = ExpenseReport.objects.filter(year=year)
        assert reports.count() == 11 * months
        assert reports.filter(status=ReportStatus.APPROVED).count() >= 11 * (months - 1)
        resubmitted = ReportEvent.objects.filter(action="return").values_list("report_id", flat=True)
        assert ReportEvent.objects.filter(report_id__in=resubmitted, action="submit").count() > len(set(resubmitted))
        assert reports.filter(late_since__isnull=False, first_submitted_at__isnull=False).count() == 1
        assert (
            Voucher.objects.filter(report__isnull=False).count() == reports.filter(status=ReportStatus.APPROVED).count()
        )
        assert selectors.trial_balance(year).balanced

    def test_every_auditor_flag_fires_on_the_seeded_district(self, seeded):
        year, _months = seeded
        kinds = {f.kind for f in selectors.flags(None, year)}
        assert kinds == {FlagKind.NO_ASSIGNMENT, FlagKind.OVER_ALLOCATION, FlagKind.DUPLICATE_PAYEE, FlagKind.LATE}

    def test_trial_balance_prints_every_account_and_the_total(self, seeded):
        year, _months = seeded
        out = StringIO()
        call_command("trial_balance", "--year", str(year), stdout=out)
        text = out.getvalue()
        assert "TOTAL" in text
        assert "The books balance." in text
        assert "1001" in text


def test_trial_balance_exits_non_zero_when_the_books_do_not_balance(db):
    broken = TrialBalance(rows=[], debit_fen=100, credit_fen=99, unbalanced_vouchers=[7])
    with (
        mock.patch("funding.selectors.trial_balance", return_value=broken),
        pytest.raises(CommandError, match="do not balance"),
    ):
        call_command("trial_balance", stdout=StringIO())


# Committed rows, as in real use: PostgreSQL refuses to TRUNCATE tables with rows inserted
# earlier in the same transaction (deferred foreign-key checks still pending). The district
# seeded (`seed_district --scale small`) and committed is the run's own, ledger included.
@pytest.mark.django_db(transaction=True)
def test_seed_reset_wipes_the_ledger_and_seeds_it_again(seeded_small_district_to_flush):
    assert Voucher.objects.exists() and Budget.objects.exists()
    call_command("seed_district", "--scale", "small", "--reset", verbosity=0)
    year, _months = seed_year(timezone.localdate())
    assert Budget.objects.filter(year=year).count() == 11
    assert selectors.trial_balance().balanced
