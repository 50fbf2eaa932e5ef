"""Reads of the ledger: account balances, an account's lines, vouchers, the trial balance."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from ..models import (
    Account,
    Voucher,
    VoucherLine,
    VoucherStatus,
)
from .common import _scoped

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
