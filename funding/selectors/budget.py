"""Budget against actual, by street and month."""

from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from ..models import (
    AccountKind,
    Budget,
    ExpenseReport,
    ReportStatus,
    VoucherLine,
    VoucherStatus,
)
from .common import _scoped, visible_streets

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
