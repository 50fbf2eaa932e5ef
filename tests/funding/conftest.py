"""Funding fixtures: the small district with household counts, frozen budgets, and grid staff
who held their posts all year. Tests move the suite's clock (`clock.move_to`) to days of YEAR."""

import datetime
from dataclasses import dataclass

import pytest

from accounts.roles import Role
from funding import services
from funding.models import Budget, FundingRate, Voucher
from grids.models import GridNode, Level
from grids.services import assignment_start
from tests.conftest import suite_now
from tests.factories import UserFactory

# The year after the suite's today (GRIDGOV_TEST_TODAY or the real one): the named people's
# posts begin today, and tests move the clock to days of YEAR, so every test day lies after them.
YEAR = suite_now().year + 1


@pytest.fixture
def households(district):
    """Households on every node: unit grids 100–250, sums upwards (as the registry keeps them)."""
    units = list(GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code"))
    for i, unit in enumerate(units):
        unit.households = 100 + (i * 37) % 151
    GridNode.objects.bulk_update(units, ["households"])
    for level in (Level.BASE_GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        for node in GridNode.objects.filter(level=level):
            node.households = sum(node.get_children().values_list("households", flat=True))
            node.save(update_fields=["households"])
    return {n.name: n.households for n in GridNode.objects.filter(level=Level.STREET)}


@dataclass
class Staff:
    manager: object  # grid manager under 中心街, held all of YEAR
    assistant: object  # grid assistant under 中心街, held all of YEAR
    shuiguo_manager: object  # grid manager under 税郭镇
    stranger: object  # a user who never held a grid post


@pytest.fixture
def staff(people, streets):
    def post(username, role, street, level):
        node = GridNode.objects.filter(level=level, code__startswith=street.code).order_by("code").first()
        user = UserFactory(username=username)
        assignment_start(actor=None, user=user, role=role, node=node, valid_from=datetime.date(YEAR - 1, 1, 1))
        return user

    zx, sg = streets["中心街街道"], streets["税郭镇"]
    return Staff(
        manager=post("m-zx", Role.GRID_MANAGER, zx, Level.BASE_GRID),
        assistant=post("a-zx", Role.GRID_ASSISTANT, zx, Level.UNIT_GRID),
        shuiguo_manager=post("m-sg", Role.GRID_MANAGER, sg, Level.BASE_GRID),
        stranger=UserFactory(username="stranger"),
    )


@pytest.fixture
def budgets(people, streets, households) -> dict[str, Budget]:
    # The migration's 60-yuan rate is gone after a transactional test has flushed the database.
    FundingRate.objects.get_or_create(effective_from=datetime.date(2000, 1, 1), defaults={"fen_per_household": 6000})
    return {
        name: services.budget_freeze(actor=people.center, street=street, year=YEAR) for name, street in streets.items()
    }


def allocate(budget: Budget, month: int, *, maker, approver) -> Voucher:
    voucher = services.allocation_prepare(actor=maker, budget=budget, month=month)
    return services.voucher_post(actor=approver, voucher=voucher)


@pytest.fixture
def funded(people, budgets):
    """中心街 and 税郭镇 with January–March allocated."""
    for budget in budgets.values():
        for month in (1, 2, 3):
            allocate(budget, month, maker=people.center, approver=people.admin)
    return budgets


def make_report(people, street, month, lines, *, submit=True, actor=None):
    """A report of `street` for YEAR-`month` with `lines` [(category, fen, payee)], submitted."""
    actor = actor or people.zhongxin
    report = services.expense_report_create(actor=actor, street=street, year=YEAR, month=month)
    for category, fen, payee in lines:
        services.expense_line_add(
            actor=actor, report=report, category=category, amount_fen=fen, payee_id=payee.pk if payee else None
        )
    if submit:
        report = services.expense_report_submit(actor=actor, report=report)
    return report
