"""Funding (经费): the per-household budget, a double-entry ledger, the streets' monthly
expense reports (拨付经费使用明细单) and the auditors' review. docs/domain.md §7.

Money is integer fen (分) everywhere: no float, no rounding drift, and sums are exact.
The ledger's rules are enforced twice: in the services (clear messages) and in the database
(funding/migrations/0002_ledger_triggers.py), so that no path (admin, shell, raw SQL) can edit
a posted voucher, post an unbalanced one, or post into a closed or locked month.
"""

from .budget import AllocationFrequency, Budget, BudgetQuerySet, BudgetShare, FundingRate
from .ledger import (
    SUBSIDY_CATEGORIES,
    Account,
    AccountKind,
    AccountQuerySet,
    Category,
    Period,
    PeriodStatus,
    StreetMonthLock,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherQuerySet,
    VoucherStatus,
)
from .money import MAX_LINE_FEN, yuan
from .reports import (
    ExpenseLine,
    ExpenseReport,
    ExpenseReportQuerySet,
    Receipt,
    ReportEvent,
    ReportStatus,
    receipt_path,
)

__all__ = [
    "MAX_LINE_FEN",
    "SUBSIDY_CATEGORIES",
    "Account",
    "AccountKind",
    "AccountQuerySet",
    "AllocationFrequency",
    "Budget",
    "BudgetQuerySet",
    "BudgetShare",
    "Category",
    "ExpenseLine",
    "ExpenseReport",
    "ExpenseReportQuerySet",
    "FundingRate",
    "Period",
    "PeriodStatus",
    "Receipt",
    "ReportEvent",
    "ReportStatus",
    "StreetMonthLock",
    "Voucher",
    "VoucherKind",
    "VoucherLine",
    "VoucherQuerySet",
    "VoucherStatus",
    "receipt_path",
    "yuan",
]
