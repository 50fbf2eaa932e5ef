"""A small world for the URL walk: the small district and the named people (tests/conftest.py),
and one object of each kind a URL names inside 中心街街道 (the named street-level people's
street) and one inside 税郭镇 (outside their scope), made through the services."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Notification
from accounts.services import notification_send
from funding.models import ExpenseReport
from funding.services.reports import expense_report_create
from grids.models import GridNode, Level
from petitions.services.supervision import slip_issue
from residents import services as registry
from residents.models import SpecialCategory
from tests.residents.conftest import point_in
from visits import services as visits


@dataclass
class World:
    # kind → the pk of the object in 中心街 (inside) and in 税郭镇 (outside), for URL kwargs
    inside: dict[str, int] = field(default_factory=dict)
    outside: dict[str, int] = field(default_factory=dict)
    # kind → the grid node that places the object (a unit grid or a street), per side
    where: dict[str, dict[str, GridNode]] = field(default_factory=lambda: {"inside": {}, "outside": {}})
    # kinds every signed-in user may read (the same object on both sides)
    shared: frozenset = frozenset({"category", "module", "rate", "period"})
    recipients: dict[str, int] = field(default_factory=dict)  # side → the notification's recipient


def _unit_of(user) -> GridNode:
    return user.assignments.get().node


def build_world(people, everyone, streets, make_appeal) -> World:
    from residents.demo import seed_categories

    seed_categories(None)
    category = SpecialCategory.objects.order_by("sort_order", "pk").first()
    world = World()
    inside_unit = _unit_of(people.assistant)
    outside_unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=streets["税郭镇"].code).order_by(
        "code"
    )[0]
    today = datetime.date.today()
    from funding.services import budget_freeze, funding_rate_add, period_for, street_accounts
    from funding.services.budget import allocation_prepare, rate_on
    from gridgov.errors import NotFound
    from petitions.models import ServiceModule

    try:
        rate = rate_on(datetime.date(today.year, 1, 1))
    except NotFound:
        rate = funding_rate_add(actor=None, fen_per_household=2000, effective_from=datetime.date(2000, 1, 1))
    shared = {
        "category": category.pk,
        "module": ServiceModule.objects.order_by("pk").first().pk,
        "department": people.department.assignments.get().department_id,
        "rate": rate.pk,
        "period": period_for(today).pk,
    }
    for side, unit, street, officer in (
        (world.inside, inside_unit, streets["中心街街道"], people.zhongxin),
        (world.outside, outside_unit, streets["税郭镇"], people.shuiguo),
    ):
        lon, lat = point_in(unit)
        household = registry.household_create(actor=None, address="光明路1号", lon=lon, lat=lat)
        resident = registry.resident_create(
            actor=None, household=household, name="张三", sex="M", birth_date=datetime.date(1980, 1, 1)
        )
        tag = registry.resident_tag_add(actor=None, resident=resident, category=category)
        building = registry.building_create(actor=None, name="1号楼", address="光明路1号", lon=lon, lat=lat)
        organisation = registry.organisation_create(
            actor=None, name="便利店", kind="shop", address="光明路2号", lon=lon, lat=lat
        )
        where = "zhongxin" if street.name == "中心街街道" else "shuiguo"
        appeal = make_appeal("dispatched", where=where)
        slip = slip_issue(actor=people.center, appeal=appeal, colour="yellow", reason="test")
        campaign = visits.campaign_create(
            actor=None,
            name=f"{street.name} 走访",
            start_date=today - datetime.timedelta(days=10),
            end_date=today + datetime.timedelta(days=10),
            scope_node=street,
        )
        visit = visits.visit_record(actor=officer, household=household, visited_on=today, notes="test")
        report = expense_report_create(actor=None, street=street, year=today.year, month=today.month)
        with transaction.atomic():
            (note_id,) = notification_send(
                recipients=[officer], kind=Notification.Kind.OTHER, title="test", key=f"walk:{officer.pk}"
            )
        budget = budget_freeze(actor=None, street=street, year=today.year, households=10)
        voucher = allocation_prepare(actor=people.center, budget=budget, month=1)
        side.update(
            **shared,
            assignment=officer.assignments.get().pk,
            budget=budget.pk,
            voucher=voucher.pk,
            account=street_accounts(street)["allocation"].pk,
            node=unit.pk,
            street=street.pk,
            household=household.pk,
            resident=resident.pk,
            tag=tag.pk,
            building=building.pk,
            organisation=organisation.pk,
            appeal=appeal.pk,
            slip=slip.pk,
            campaign=campaign.pk,
            visit=visit.pk,
            report=report.pk,
            notification=note_id,
        )
        label = "inside" if side is world.inside else "outside"
        world.recipients[label] = officer.pk
        for kind in ("node", "household", "resident", "tag", "building", "organisation", "appeal", "slip", "visit"):
            world.where[label][kind] = unit
        for kind in ("street", "campaign", "report", "budget", "voucher", "account", "assignment"):
            world.where[label][kind] = street
    assert ExpenseReport.objects.count() == 2
    return world
