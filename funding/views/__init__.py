"""Funding pages: the street office's report and books, the auditors' review, budget against
actual, ledger, flags and late reports. Every list exports to .xlsx with ?format=xlsx."""

from .ledger import account_detail, ledger, voucher_detail, voucher_list
from .manage import manage
from .overview import budget_vs_actual, flag_list, home, street_detail
from .reports import late_list, report_detail, report_list, report_new, report_print

__all__ = [
    "account_detail",
    "budget_vs_actual",
    "flag_list",
    "home",
    "late_list",
    "ledger",
    "manage",
    "report_detail",
    "report_list",
    "report_new",
    "report_print",
    "street_detail",
    "voucher_detail",
    "voucher_list",
]
