"""Reads of the funding app, scoped to the user. Each is a constant number of queries,
whatever the number of streets, months, reports or vouchers. `user=None` is the system
(tasks, management commands): it sees everything."""

from .budget import StreetYear, budget_vs_actual
from .common import visible_streets
from .flags import Flag, FlagKind, flags
from .ledger import TrialBalance, account_balances, account_lines, trial_balance, visible_vouchers
from .reports import (
    late_reports,
    payee_choices,
    report_detail,
    reports_due_soon,
    review_queue,
    visible_reports,
)

__all__ = [
    "Flag",
    "FlagKind",
    "StreetYear",
    "TrialBalance",
    "account_balances",
    "account_lines",
    "budget_vs_actual",
    "flags",
    "late_reports",
    "payee_choices",
    "report_detail",
    "reports_due_soon",
    "review_queue",
    "trial_balance",
    "visible_reports",
    "visible_streets",
    "visible_vouchers",
]
