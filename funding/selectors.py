"""Reads of the funding app, scoped to the user. Each is a constant number of queries,
whatever the number of streets, months, reports or vouchers. `user=None` is the system
(tasks, management commands): it sees everything."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import scope_for
from grids.models import Assignment, GridNode, Level

from .models import (
    SUBSIDY_CATEGORIES,
    Account,
    AccountKind,
    Budget,
    ExpenseLine,
    ExpenseReport,
    ReportStatus,
    Voucher,
    VoucherLine,
    VoucherStatus,
    yuan,
)
from .services.reports import month_end


def _scoped(qs: QuerySet, user, prefix: str = "street__") -> QuerySet:
    if user is None:
        return qs
    return qs.filter(scope_for(user).node_q(prefix))


def visible_streets(user) -> QuerySet[GridNode]:
    return _scoped(GridNode.objects.filter(level=Level.STREET), user, "").defer("boundary").order_by("code")


# ---- reports -------------------------------------------------------------------------


def visible_reports(user) -> QuerySet[ExpenseReport]:
    """Reports with their street and total (one query for a whole list)."""
    return (
        _scoped(ExpenseReport.objects.all(), user)
        .select_related("street", "prepared_by", "submitted_by", "reviewed_by")
        .defer("street__boundary")
        .annotate(total_fen=Coalesce(Sum("lines__amount_fen"), Value(0)), line_count=Count("lines"))
        .order_by("-year", "-month", "street__code")
    )


def report_detail(user, pk: int) -> ExpenseReport:
    return (
        visible_reports(user)
        .prefetch_related(
            Prefetch("lines", queryset=ExpenseLine.objects.select_related("payee").prefetch_related("receipts")),
            "receipts",
            "events__actor",
            Prefetch("vouchers", queryset=Voucher.objects.select_related("period")),
        )
        .get(pk=pk)
    )


def review_queue(user) -> QuerySet[ExpenseReport]:
    """Submitted reports waiting for an auditor, oldest submission first."""
    return visible_reports(user).filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "id")


def late_reports(user) -> QuerySet[ExpenseReport]:
    """Reports not submitted by the 5th of the next month (the plain list that stands in for
    the notification centre's late notices)."""
    return visible_reports(user).filter(late_since__isnull=False).order_by("-year", "-month", "street__code")


def reports_due_soon(user, *, today: datetime.date | None = None, days: int = 3) -> QuerySet[ExpenseReport]:
    """Unsubmitted reports due within `days` days: the reminder list."""
    today = today or timezone.localdate()
    return visible_reports(user).filter(
        status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
        first_submitted_at__isnull=True,
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=days),
    )


# ---- budget against actual -----------------------------------------------------------


@dataclass
class StreetYear:
    street_id: int
    street_name: str
    budget_fen: int = 0
    households: int = 0
    allocated: list[int] = field(default_factory=lambda: [0] * 12)
    spent: list[int] = field(default_factory=lambda: [0] * 12)
    report_status: list[str] = field(default_factory=lambda: [""] * 12)

    @property
    def allocated_fen(self) -> int:
        return sum(self.allocated)

    @property
    def spent_fen(self) -> int:
        return sum(self.spent)

    @property
    def balance_fen(self) -> int:
        """What the street holds: allocated and not yet spent."""
        return self.allocated_fen - self.spent_fen

    @property
    def unspent_budget_fen(self) -> int:
        return self.budget_fen - self.spent_fen

    @property
    def months(self) -> list[dict]:
        return [
            {
                "month": m + 1,
                "allocated": self.allocated[m],
                "spent": self.spent[m],
                "report": self.report_status[m],
                "report_label": ReportStatus(self.report_status[m]).label if self.report_status[m] else "",
            }
            for m in range(12)
        ]


def _ledger_sums(user, year: int) -> QuerySet:
    """Posted amounts by (street, account kind, month) for the year: one grouped query."""
    return (
        _scoped(VoucherLine.objects.filter(voucher__status=VoucherStatus.POSTED, voucher__period__year=year), user,
                "voucher__street__")
        .values("voucher__street_id", "account__kind", "voucher__period__month")
        .annotate(debit=Sum("debit_fen"), credit=Sum("credit_fen"))
        .order_by()
    )  # fmt: skip


def budget_vs_actual(user, year: int) -> tuple[list[StreetYear], StreetYear]:
    """Per street: the frozen budget, and by month what was allocated (net of reversals)
    and spent (posted expenses, net of reversals), with each month's report status. Also
    the district total. Four queries."""
    rows = {s.pk: StreetYear(s.pk, s.name) for s in visible_streets(user).only("id", "name", "code")}
    for b in Budget.objects.filter(year=year, street_id__in=rows).only("street_id", "amount_fen", "households"):
        rows[b.street_id].budget_fen, rows[b.street_id].households = b.amount_fen, b.households
    for r in _ledger_sums(user, year):
        row = rows.get(r["voucher__street_id"])
        if row is None:
            continue
        m = r["voucher__period__month"] - 1
        if r["account__kind"] == AccountKind.FUND:
            row.allocated[m] += r["credit"] - r["debit"]
        elif r["account__kind"] == AccountKind.EXPENSE:
            row.spent[m] += r["debit"] - r["credit"]
    for sid, month, status in ExpenseReport.objects.filter(year=year, street_id__in=rows).values_list(
        "street_id", "month", "status"
    ):
        rows[sid].report_status[month - 1] = status
    total = StreetYear(0, _("District total"))
    for row in rows.values():
        total.budget_fen += row.budget_fen
        total.households += row.households
        for m in range(12):
            total.allocated[m] += row.allocated[m]
            total.spent[m] += row.spent[m]
    return list(rows.values()), total


# ---- the ledger ----------------------------------------------------------------------


def _posted_in(year: int | None, prefix: str = "lines__") -> Q:
    q = Q(**{f"{prefix}voucher__status": VoucherStatus.POSTED})
    if year is not None:
        q &= Q(**{f"{prefix}voucher__period__year": year})
    return q


def account_balances(user, year: int | None = None) -> QuerySet[Account]:
    """Accounts the user may see, with their posted debits, credits and balance (debit −
    credit) for the year (or all time)."""
    posted = _posted_in(year)
    qs = Account.objects.all() if user is None else Account.objects.visible_to(user)
    return (
        qs.select_related("street")
        .only("id", "code", "name", "kind", "category", "street__id", "street__name")
        .annotate(
            debit_fen=Coalesce(Sum("lines__debit_fen", filter=posted), Value(0)),
            credit_fen=Coalesce(Sum("lines__credit_fen", filter=posted), Value(0)),
        )
        .annotate(balance_fen=F("debit_fen") - F("credit_fen"))
        .order_by("code")
    )


def account_lines(user, account: Account, year: int | None = None) -> QuerySet[VoucherLine]:
    qs = VoucherLine.objects.filter(account=account, voucher__status=VoucherStatus.POSTED)
    if year is not None:
        qs = qs.filter(voucher__period__year=year)
    return (
        _scoped(qs, user, "voucher__street__")
        .select_related("voucher__period", "payee")
        .order_by("voucher__period__year", "voucher__period__month", "voucher__number", "id")
    )


def visible_vouchers(user) -> QuerySet[Voucher]:
    qs = Voucher.objects.all() if user is None else Voucher.objects.visible_to(user)
    return (
        qs.select_related("period", "street", "made_by", "approved_by", "reverses__period", "reversed_by__period",
                          "report")
        .defer("street__boundary")
        .annotate(total_fen=Coalesce(Sum("lines__debit_fen"), Value(0)))
        .order_by("-period__year", "-period__month", "-number", "-id")
    )  # fmt: skip


@dataclass
class TrialBalance:
    rows: list
    debit_fen: int
    credit_fen: int
    unbalanced_vouchers: list

    @property
    def balanced(self) -> bool:
        return self.debit_fen == self.credit_fen and not self.unbalanced_vouchers


def trial_balance(year: int | None = None, user=None) -> TrialBalance:
    """Every account's posted debits, credits and balance; the totals must agree, and so
    must each posted voucher's (the database makes sure; this proves it)."""
    rows = list(account_balances(user, year))
    vouchers = Voucher.objects.filter(status=VoucherStatus.POSTED)
    if year is not None:
        vouchers = vouchers.filter(period__year=year)
    unbalanced = list(
        vouchers.annotate(d=Coalesce(Sum("lines__debit_fen"), Value(0)), c=Coalesce(Sum("lines__credit_fen"), Value(0)))
        .exclude(d=F("c"))
        .values_list("pk", flat=True)
    )
    return TrialBalance(
        rows=rows,
        debit_fen=sum(r.debit_fen for r in rows),
        credit_fen=sum(r.credit_fen for r in rows),
        unbalanced_vouchers=unbalanced,
    )


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


def payee_choices(report: ExpenseReport) -> list[tuple[int, str]]:
    """Grid staff who may be paid a subsidy on this report: a post under the street valid
    on some day of the month. One query."""
    street = report.street
    start, end = report.first_day, month_end(report.year, report.month) + datetime.timedelta(days=1)
    rows = (
        Assignment.objects.overlapping(start, end)
        .filter(
            role__in=list(SUBSIDY_CATEGORIES.values()),
            node__tree_id=street.tree_id,
            node__lft__gte=street.lft,
            node__rght__lte=street.rght,
        )
        .values_list("user_id", "user__name", "user__username", "role", "node__name")
        .order_by("role", "node__code", "user__username")
    )
    return [(uid, f"{name or username} · {Role(role).label} · {node}") for uid, name, username, role, node in rows]
