"""The automatic audit flags."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from grids.models import Assignment

from ..models import (
    SUBSIDY_CATEGORIES,
    AccountKind,
    ExpenseLine,
    ExpenseReport,
    ReportStatus,
    yuan,
)
from ..services.reports import month_end
from .budget import _ledger_sums
from .common import _scoped

# ---- flags ---------------------------------------------------------------------------


class FlagKind:
    NO_ASSIGNMENT = "no_assignment"
    OVER_ALLOCATION = "over_allocation"
    DUPLICATE_PAYEE = "duplicate_payee"
    LATE = "late"

    @staticmethod
    def labels() -> dict[str, str]:
        return {
            FlagKind.NO_ASSIGNMENT: _("Subsidy to someone without a valid assignment"),
            FlagKind.OVER_ALLOCATION: _("Spending over the allocation"),
            FlagKind.DUPLICATE_PAYEE: _("Same payee twice in a month"),
            FlagKind.LATE: _("Late report"),
        }


@dataclass(frozen=True)
class Flag:
    kind: str
    street_id: int
    street_name: str
    year: int
    month: int
    report_id: int | None
    detail: str

    @property
    def label(self) -> str:
        return FlagKind.labels()[self.kind]


def flags(user, year: int, month: int | None = None) -> list[Flag]:
    """The automatic audit flags of a year (or one month), computed from the books as they
    stand now, so that an assignment ended after the report still raises its flag. Five
    queries, whatever the number of reports."""
    reports = _scoped(ExpenseReport.objects.filter(year=year), user).select_related("street").only(
        "id", "year", "month", "status", "late_since", "due_date", "first_submitted_at", "street__id", "street__name",
        "street__tree_id", "street__lft", "street__rght",
    )  # fmt: skip
    if month is not None:
        reports = reports.filter(month=month)
    reports = {r.pk: r for r in reports}
    found: list[Flag] = []

    for r in reports.values():
        if r.late_since:
            when = (
                _("submitted %(day)s") % {"day": timezone.localdate(r.first_submitted_at)}
                if r.first_submitted_at
                else _("not submitted yet")
            )
            found.append(
                Flag(FlagKind.LATE, r.street_id, r.street.name, r.year, r.month, r.pk,
                     _("Due %(due)s, %(when)s.") % {"due": r.due_date, "when": when})
            )  # fmt: skip

    reviewed = [pk for pk, r in reports.items() if r.status != ReportStatus.DRAFT]
    # Plain tuples: a paper-scale year has some 15,000 subsidy lines.
    lines = list(
        ExpenseLine.objects.filter(report_id__in=reviewed, category__in=list(SUBSIDY_CATEGORIES))
        .values_list("report_id", "category", "amount_fen", "payee_id", "payee__name", "payee__username")
        .order_by("id")
    )
    payees = {li[3] for li in lines}
    held = defaultdict(list)
    for a in (
        Assignment.objects.overlapping(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        .filter(user_id__in=payees, role__in=list(SUBSIDY_CATEGORIES.values()))
        .values_list("user_id", "role", "valid_from", "valid_to", "node__tree_id", "node__lft", "node__rght")
    ):
        held[a[0]].append(a[1:])
    bounds = {pk: (r.first_day, month_end(r.year, r.month) + datetime.timedelta(days=1)) for pk, r in reports.items()}
    by_payee_month = defaultdict(list)
    for report_id, category, amount, payee_id, payee_name, payee_username in lines:
        r = reports[report_id]
        start, end = bounds[report_id]
        role, st = SUBSIDY_CATEGORIES[category], r.street
        ok = any(
            a_role == role
            and valid_from < end
            and (valid_to is None or valid_to > start)
            and tree_id == st.tree_id
            and st.lft <= lft
            and rght <= st.rght
            for a_role, valid_from, valid_to, tree_id, lft, rght in held[payee_id]
        )
        person = payee_name or payee_username
        if not ok:
            found.append(
                Flag(FlagKind.NO_ASSIGNMENT, r.street_id, st.name, r.year, r.month, r.pk,
                     _("%(person)s: %(amount)s yuan, no valid %(role)s post that month.")
                     % {"person": person, "amount": yuan(amount), "role": Role(role).label})
            )  # fmt: skip
        by_payee_month[(payee_id, r.year, r.month)].append((person, r))
    for (_payee, y, m), items in by_payee_month.items():
        if len(items) > 1:
            person = items[0][0]
            streets = sorted({it[1].street.name for it in items})
            for report in {it[1].pk: it[1] for it in items}.values():
                found.append(
                    Flag(FlagKind.DUPLICATE_PAYEE, report.street_id, report.street.name, y, m, report.pk,
                         _("%(person)s is paid %(n)d times in %(year)s-%(month)02d (%(streets)s).")
                         % {"person": person, "n": len(items), "year": y, "month": m,
                            "streets": ", ".join(streets)})
                )  # fmt: skip

    # Spending over the allocation: a street's reported spending up to a month (approved and
    # under review) exceeds what was allocated to it up to that month.
    allocated = defaultdict(lambda: [0] * 12)
    for r in _ledger_sums(user, year).filter(account__kind=AccountKind.FUND):
        allocated[r["voucher__street_id"]][r["voucher__period__month"] - 1] += r["credit"] - r["debit"]
    spent = defaultdict(lambda: [0] * 12)
    for sid, m, total in (
        ExpenseLine.objects.filter(report_id__in=reviewed)
        .values_list("report__street_id", "report__month")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    ):
        spent[sid][m - 1] += total
    for r in reports.values():
        if r.status == ReportStatus.DRAFT:
            continue
        cum_spent = sum(spent[r.street_id][: r.month])
        cum_alloc = sum(allocated[r.street_id][: r.month])
        if cum_spent > cum_alloc:
            found.append(
                Flag(FlagKind.OVER_ALLOCATION, r.street_id, r.street.name, r.year, r.month, r.pk,
                     _("Spent %(spent)s yuan to the end of the month against %(alloc)s allocated.")
                     % {"spent": yuan(cum_spent), "alloc": yuan(cum_alloc)})
            )  # fmt: skip
    order = list(FlagKind.labels())
    found.sort(key=lambda f: (f.year, f.month, f.street_name, order.index(f.kind)))
    return found
