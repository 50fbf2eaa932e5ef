"""Every write to the ledger: accounts, periods, vouchers (create, post, reverse, discard).

The database refuses what these refuse (funding/migrations/0002_ledger_triggers.py); the
checks here come first only so that the refusal has a clear, translated reason.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import LEDGER_CLERKS
from accounts.scopes import require_role
from gridgov.dates import check_date
from gridgov.errors import Conflict, InvalidInput, NotAllowed
from gridgov.numbers import ascii_digits
from grids.models import GridNode, Level

from ..models import (
    MAX_LINE_FEN,
    Account,
    AccountKind,
    Category,
    Period,
    PeriodStatus,
    StreetMonthLock,
    Voucher,
    VoucherKind,
    VoucherLine,
    VoucherStatus,
    yuan,
)

# Who makes and posts district vouchers (allocations, adjustments, reversals) and closes
# months (grids.roles.LEDGER_CLERKS). Auditors are not among them: they change nothing outside their review.

FUND_CODE = "1001"
ALLOCATION_CODE = "1101"
EXPENSE_CODES = {
    Category.MANAGER_SUBSIDY: "5101",
    Category.ASSISTANT_SUBSIDY: "5102",
    Category.DEVICES: "5103",
    Category.TRAINING: "5104",
    Category.PRINTING: "5105",
    Category.OTHER: "5106",
}


@dataclass(frozen=True)
class LineSpec:
    """One line of a voucher to create: exactly one of debit_fen and credit_fen is positive."""

    account: Account
    debit_fen: int = 0
    credit_fen: int = 0
    memo: str = ""
    payee: object = None


def check_amount(value, *, field: str = "amount_fen") -> int:
    """A money amount in fen: a whole number above zero and at most ten million yuan."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(ascii_digits(value, field=field).strip())
        except (TypeError, ValueError):
            raise InvalidInput(_("An amount is a whole number of fen."), field=field) from None
    if value <= 0:
        raise InvalidInput(_("An amount must be more than zero."), field=field)
    if value > MAX_LINE_FEN:
        raise InvalidInput(
            _("%(amount)s yuan is not a plausible amount for one line (at most %(max)s).")
            % {"amount": yuan(value), "max": yuan(MAX_LINE_FEN)},
            field=field,
        )
    return value


def fund_account() -> Account:
    account, _created = Account.objects.get_or_create(
        code=FUND_CODE, defaults={"name": "区级网格化管理经费", "kind": AccountKind.FUND}
    )
    return account


def street_accounts(street: GridNode) -> dict[str, Account]:
    """The street's allocation account and its expense accounts, created on first use.
    Keys: "allocation" and each Category value."""
    if street.level != Level.STREET:
        raise InvalidInput(_("%(node)s is not a street or township.") % {"node": street.name}, field="street")
    suffix = street.code
    wanted = {"allocation": (f"{ALLOCATION_CODE}.{suffix}", f"{street.name} 拨付经费", AccountKind.ALLOCATION, "")}
    for category, code in EXPENSE_CODES.items():
        wanted[category] = (f"{code}.{suffix}", f"{street.name} {category.label}", AccountKind.EXPENSE, category)
    existing = {a.code: a for a in Account.objects.filter(code__in=[w[0] for w in wanted.values()])}
    missing = [
        Account(code=code, name=name, kind=kind, category=category, street=street)
        for code, name, kind, category in wanted.values()
        if code not in existing
    ]
    if missing:
        Account.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {a.code: a for a in Account.objects.filter(code__in=[w[0] for w in wanted.values()])}
    return {key: existing[w[0]] for key, w in wanted.items()}


def period_for(date: datetime.date) -> Period:
    period, _created = Period.objects.get_or_create(year=date.year, month=date.month)
    return period


def _check_open(period: Period, street: GridNode) -> None:
    if period.status == PeriodStatus.CLOSED:
        raise Conflict(_("%(period)s is closed: nothing more can be posted into it.") % {"period": period})
    if StreetMonthLock.objects.filter(period=period, street=street).exists():
        raise Conflict(
            _("%(period)s is locked for %(street)s: its report was approved. Post the correction into an open month.")
            % {"period": period, "street": street.name}
        )


def _side(value) -> int:
    """One side of a line: 0 when empty, else a valid amount."""
    if value in (None, 0, "", "0"):
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise InvalidInput(_("An amount must be more than zero."), field="lines")
    return check_amount(value, field="lines")


def _check_lines(street: GridNode, lines: list[LineSpec]) -> list[LineSpec]:
    """The lines, checked, with their amounts as whole fen."""
    if len(lines) < 2:
        raise InvalidInput(_("A voucher needs at least two lines."), field="lines")
    clean = []
    for i, line in enumerate(lines, start=1):
        debit, credit = _side(line.debit_fen), _side(line.credit_fen)
        if (debit > 0) == (credit > 0):
            raise InvalidInput(
                _("Line %(n)d must have either a debit or a credit above zero, not both.") % {"n": i}, field="lines"
            )
        if line.account.street_id not in (None, street.pk):
            raise InvalidInput(
                _("Line %(n)d uses %(account)s, which belongs to another street.") % {"n": i, "account": line.account},
                field="lines",
            )
        clean.append(LineSpec(line.account, debit, credit, line.memo, line.payee))
    debits, credits = sum(li.debit_fen for li in clean), sum(li.credit_fen for li in clean)
    if debits != credits:
        raise InvalidInput(
            _("The voucher does not balance: debits %(d)s, credits %(c)s yuan.")
            % {"d": yuan(debits), "c": yuan(credits)},
            field="lines",
        )
    return clean


def _draft(
    *, made_by, street: GridNode, date: datetime.date, kind: str, memo: str, lines: list[LineSpec], **extra
) -> Voucher:
    if made_by is None:
        raise InvalidInput(_("Every voucher has an author."))
    memo = (memo or "").strip()[:200]
    if not memo:
        raise InvalidInput(_("A voucher needs a memo saying what it is for."), field="memo")
    # Before period_for: a voucher of year 1 or 9999 would create that accounting period.
    check_date(date, field="date")
    lines = _check_lines(street, lines)
    period = period_for(date)
    _check_open(period, street)
    voucher = Voucher.objects.create(
        period=period, date=date, kind=kind, street=street, memo=memo, made_by=made_by, **extra
    )
    VoucherLine.objects.bulk_create(
        [
            VoucherLine(
                voucher=voucher,
                account=li.account,
                debit_fen=li.debit_fen or 0,
                credit_fen=li.credit_fen or 0,
                memo=(li.memo or "")[:200],
                payee=li.payee,
            )
            for li in lines
        ]
    )
    return voucher


@transaction.atomic
def voucher_create(
    *, actor, street: GridNode, date: datetime.date, kind: str, memo: str, lines: list[LineSpec]
) -> Voucher:
    """A draft voucher (allocation or adjustment), made by `actor`; someone else posts it."""
    require_role(actor, *LEDGER_CLERKS, action=_("make vouchers"))
    if kind not in (VoucherKind.ALLOCATION, VoucherKind.ADJUSTMENT):
        raise InvalidInput(_("Expense vouchers come from approved reports, reversals from voucher_reverse."))
    return _draft(made_by=actor, street=street, date=date, kind=kind, memo=memo, lines=lines)


def _post(*, approver, voucher: Voucher) -> Voucher:
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.status != VoucherStatus.DRAFT:
        raise Conflict(_("Voucher %(v)s is already posted.") % {"v": voucher.label})
    if approver is None or approver.pk == voucher.made_by_id:
        raise NotAllowed(_("The person who made a voucher cannot also approve it."))
    lines = list(voucher.lines.select_related("account"))
    _check_lines(voucher.street, [LineSpec(li.account, li.debit_fen, li.credit_fen) for li in lines])
    # The period row is the numbering lock: two postings in one month queue here, so each
    # takes the next number and none is skipped (a rollback returns the number with it).
    period = Period.objects.select_for_update().get(pk=voucher.period_id)
    _check_open(period, voucher.street)
    number = period.next_number
    Period.objects.filter(pk=period.pk).update(next_number=number + 1)
    try:
        with transaction.atomic():
            updated = Voucher.objects.filter(pk=voucher.pk, status=VoucherStatus.DRAFT).update(
                status=VoucherStatus.POSTED, number=number, approved_by=approver, posted_at=timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict(_("The database refused to post the voucher: %(why)s") % {"why": exc}) from exc
    if updated != 1:
        raise Conflict(_("Voucher %(v)s changed while it was being posted.") % {"v": voucher.label})
    voucher.refresh_from_db()
    return voucher


@transaction.atomic
def voucher_post(*, actor, voucher: Voucher) -> Voucher:
    """Post a draft: check it balances, number it, and make it permanent. The approver
    must not be its maker."""
    require_role(actor, *LEDGER_CLERKS, action=_("post vouchers"))
    return _post(approver=actor, voucher=voucher)


@transaction.atomic
def voucher_reverse(*, actor, voucher: Voucher, date: datetime.date | None = None, memo: str = "") -> Voucher:
    """A draft reversal (红字冲销) of a posted voucher: the same lines on the other side,
    pointing at the original, dated `date` (today by default) in an open month."""
    require_role(actor, *LEDGER_CLERKS, action=_("reverse vouchers"))
    original = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if original.status != VoucherStatus.POSTED:
        raise Conflict(_("Only a posted voucher is reversed; a draft is simply discarded."))
    if original.kind == VoucherKind.REVERSAL:
        raise Conflict(_("A reversal is not reversed again; post a new voucher instead."))
    if Voucher.objects.filter(reverses=original).exists():
        raise Conflict(_("Voucher %(v)s already has a reversal.") % {"v": original.label})
    lines = [
        LineSpec(li.account, debit_fen=li.credit_fen, credit_fen=li.debit_fen, memo=li.memo, payee=li.payee)
        for li in original.lines.select_related("account", "payee")
    ]
    return _draft(
        made_by=actor,
        street=original.street,
        date=date or timezone.localdate(),
        kind=VoucherKind.REVERSAL,
        memo=memo or _("Reversal of %(v)s: %(memo)s") % {"v": original.label, "memo": original.memo},
        lines=lines,
        reverses=original,
    )


@transaction.atomic
def voucher_discard(*, actor, voucher: Voucher) -> None:
    """Throw away a draft (it was never in the books). Posted vouchers are never removed."""
    require_role(actor, *LEDGER_CLERKS, action=_("discard vouchers"))
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if voucher.status != VoucherStatus.DRAFT:
        raise Conflict(_("A posted voucher cannot be removed; post a reversal instead."))
    voucher.lines.all().delete()
    voucher.delete()


@transaction.atomic
def period_close(*, actor, year: int, month: int) -> Period:
    """Close a month to all postings, for every street, for good."""
    require_role(actor, *LEDGER_CLERKS, action=_("close months"))
    period = period_for(datetime.date(year, month, 1))
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        raise Conflict(_("%(period)s is already closed.") % {"period": period})
    period.status, period.closed_at, period.closed_by = PeriodStatus.CLOSED, timezone.now(), actor
    period.save(update_fields=["status", "closed_at", "closed_by"])
    return period
