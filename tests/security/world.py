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
    # kind → (the object in 中心街, the object in 税郭镇): pk values (or labels) for URL kwargs
    inside: dict[str, object] = field(default_factory=dict)
    outside: dict[str, object] = field(default_factory=dict)


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
        side.update(
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
    assert ExpenseReport.objects.count() == 2
    return world
