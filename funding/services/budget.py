"""Budget writes: rates, the yearly freeze per street, and the allocations to streets."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role
from audit import services as audit
from gridgov.dates import check_date
from gridgov.errors import Conflict, InvalidInput, NotFound
from grids.models import GridNode, Level

from ..models import AllocationFrequency, Budget, BudgetShare, FundingRate, Voucher, VoucherKind
from .ledger import LineSpec, _draft, check_amount, fund_account, street_accounts

BUDGET_KEEPERS = (Role.COMMAND_CENTER, Role.ADMIN)


def rate_on(day: datetime.date) -> FundingRate:
    rate = FundingRate.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        raise NotFound(_("No funding rate is in effect on %(day)s.") % {"day": day})
    return rate


@transaction.atomic
def funding_rate_add(*, actor, fen_per_household: int, effective_from: datetime.date, note: str = "") -> FundingRate:
    """A new rate from `effective_from` on. Budgets already frozen keep the rate they had."""
    require_role(actor, *BUDGET_KEEPERS, action=_("change the funding rate"))
    fen = check_amount(fen_per_household, field="fen_per_household")
    check_date(effective_from, field="effective_from")
    if fen > 100_000:
        raise InvalidInput(_("A rate above 1,000 yuan per household is not plausible."), field="fen_per_household")
    if FundingRate.objects.filter(effective_from=effective_from).exists():
        raise Conflict(_("A rate already takes effect on %(day)s.") % {"day": effective_from}, field="effective_from")
    rate = FundingRate.objects.create(
        fen_per_household=fen, effective_from=effective_from, note=(note or "")[:200], created_by=actor
    )
    audit.record(
        actor=actor,
        action="create",
        obj=rate,
        changes=audit.created(rate, ("fen_per_household", "effective_from")),
        reason=rate.note,
    )
    return rate


@transaction.atomic
def budget_freeze(
    *, actor, street: GridNode, year: int, frequency: str = AllocationFrequency.MONTHLY, households: int | None = None
) -> Budget:
    """Compute and freeze a street's budget for `year`: the rate on 1 January × the street's
    households (the registry's cached count, read now: freeze at the start of the year),
    with its breakdown to every community and grid below it."""
    require_role(actor, *BUDGET_KEEPERS, action=_("freeze budgets"))
    if street.level != Level.STREET:
        raise InvalidInput(_("Budgets are per street or township."), field="street")
    if not 2000 <= year <= 2100:
        raise InvalidInput(_("%(year)s is not a plausible year.") % {"year": year}, field="year")
    if frequency not in AllocationFrequency.values:
        raise InvalidInput(_("Allocation is monthly or quarterly."), field="frequency")
    street = GridNode.objects.select_for_update().get(pk=street.pk)
    if Budget.objects.filter(street=street, year=year).exists():
        raise Conflict(
            _("The %(year)s budget of %(street)s is already frozen.") % {"year": year, "street": street.name}
        )
    households = street.households if households is None else households
    if households < 0:
        raise InvalidInput(_("Households cannot be negative."), field="households")
    rate = rate_on(datetime.date(year, 1, 1))
    budget = Budget.objects.create(
        street=street,
        year=year,
        households=households,
        fen_per_household=rate.fen_per_household,
        amount_fen=households * rate.fen_per_household,
        frequency=frequency,
        frozen_by=actor,
    )
    below = street.get_descendants().filter(level__in=[Level.COMMUNITY, Level.BASE_GRID, Level.UNIT_GRID])
    BudgetShare.objects.bulk_create(
        [
            BudgetShare(budget=budget, node_id=pk, households=count, amount_fen=count * rate.fen_per_household)
            for pk, count in below.values_list("pk", "households")
        ],
        batch_size=1000,
    )
    street_accounts(street)
    return budget


def allocation_schedule(budget: Budget) -> list[tuple[datetime.date, int]]:
    """The installments of a budget: (first day of the month, fen). The budget is split to
    the fen: the first installments take the odd fen, so the parts sum exactly to it."""
    months = list(range(1, 13)) if budget.frequency == AllocationFrequency.MONTHLY else [1, 4, 7, 10]
    base, odd = divmod(budget.amount_fen, len(months))
    return [(datetime.date(budget.year, m, 1), base + (1 if i < odd else 0)) for i, m in enumerate(months)]


@transaction.atomic
def allocation_prepare(*, actor, budget: Budget, month: int) -> Voucher:
    """The draft allocation voucher for the installment falling in `month`: debit the
    street's allocation, credit the district fund. Another person posts it."""
    require_role(actor, *BUDGET_KEEPERS, action=_("allocate funds"))
    installments = {day.month: (day, fen) for day, fen in allocation_schedule(budget)}
    if month not in installments:
        raise InvalidInput(
            _("%(street)s is allocated %(frequency)s; no installment falls in month %(month)s.")
            % {"street": budget.street.name, "frequency": budget.get_frequency_display(), "month": month},
            field="month",
        )
    day, fen = installments[month]
    already = Voucher.objects.filter(
        street=budget.street, kind=VoucherKind.ALLOCATION, period__year=day.year, period__month=day.month
    ).exclude(reversed_by__isnull=False)
    if already.exists():
        raise Conflict(
            _("The %(month)s allocation of %(street)s already has a voucher.")
            % {"month": day.strftime("%Y-%m"), "street": budget.street.name}
        )
    if fen == 0:
        raise InvalidInput(_("This installment is zero: the street has no households in its budget."))
    accounts = street_accounts(budget.street)
    memo = _("%(year)s allocation to %(street)s, %(month)s") % {
        "year": budget.year,
        "street": budget.street.name,
        "month": day.strftime("%Y-%m"),
    }
    return _draft(
        made_by=actor,
        street=budget.street,
        date=day,
        kind=VoucherKind.ALLOCATION,
        memo=memo,
        lines=[
            LineSpec(accounts["allocation"], debit_fen=fen, memo=memo),
            LineSpec(fund_account(), credit_fen=fen, memo=memo),
        ],
    )
