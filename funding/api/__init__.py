"""REST API of funding: budgets, the ledger, expense reports and the auditors' views.
Thin: selectors read (scoped to the caller), services write."""

from .audit import BudgetVsActualView, FlagsView
from .budget import BudgetViewSet, FundingRateViewSet
from .common import CanReadFunding, year_param
from .ledger import AccountViewSet, PeriodViewSet, TrialBalanceView, VoucherViewSet
from .reports import ExpenseReportViewSet, LateReportsView, ReviewQueueView

__all__ = [
    "AccountViewSet",
    "BudgetViewSet",
    "BudgetVsActualView",
    "CanReadFunding",
    "ExpenseReportViewSet",
    "FlagsView",
    "FundingRateViewSet",
    "LateReportsView",
    "PeriodViewSet",
    "ReviewQueueView",
    "TrialBalanceView",
    "VoucherViewSet",
    "year_param",
]
