"""The grid worker's home (/my/): follow-ups due in their grid, their grid's appeals being
handled, their own recent reports; a fixed number of queries; theirs alone."""

# ruff: noqa: F811  (pytest fixtures imported from the petitions and residents conftests)

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import services as appeals
from petitions.models import Source
from residents import services as registry_services
from residents.models import Resident
from tests.petitions.conftest import make_appeal, modules, places, point_in  # noqa: F401
from tests.residents.conftest import categories, registry  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(people):
    base = people.grid_manager.assignments.get().node
    return list(base.get_children())


def _tag_elderly(resident, categories, today):
    return registry_services.resident_tag_add(
        actor=None,
        resident=resident,
        category=categories["elderly-alone"],
        start_date=today - datetime.timedelta(days=30),
    )


def _report(user, unit, modules, text="井盖缺失"):
    lon, lat = point_in(unit)
    return appeals.appeal_create(
        actor=user, source=Source.GRID, module=modules["municipal"], description=text, lon=lon, lat=lat
    )


def test_the_grid_manager_sees_their_due_visits_grid_appeals_and_reports(
    grid,
    registry,
    categories,
    modules,
    places,
    people,
    streets,
    client_for,
    clock,
):
    units = grid
    inside = Resident.objects.filter(household__unit_grid__in=units).order_by("id").first()
    outside = Resident.objects.filter(household__street=streets["税郭镇"]).order_by("id").first()
    due_tag = _tag_elderly(inside, categories, clock.today)
    other_tag = _tag_elderly(outside, categories, clock.today)
    mine = _report(people.grid_manager, units[0], modules)
    lon, lat = places["shuiguo"]
    elsewhere = appeals.appeal_create(
        actor=people.center, source=Source.HOTLINE, module=modules["municipal"], description="路灯", lon=lon, lat=lat
    )
    client = client_for(people.grid_manager)
    assert client.get("/").url == "/my/"
    html = client.get("/my/").content.decode()
    due = html[html.index('id="due-visits"') : html.index('id="grid-appeals"')]
    assert f'data-tag="{due_tag.pk}"' in due and f'data-tag="{other_tag.pk}"' not in due
    grid_appeals = html[html.index('id="grid-appeals"') : html.index('id="my-reports"')]
    assert f'data-appeal="{mine.pk}"' in grid_appeals and f'data-appeal="{elsewhere.pk}"' not in grid_appeals
    reports = html[html.index('id="my-reports"') :]
    assert f'data-appeal="{mine.pk}"' in reports and f'data-appeal="{elsewhere.pk}"' not in reports
    assert 'href="/appeals/report/"' in html


def test_the_grid_assistants_home_holds_their_unit_grid_only(registry, categories, modules, people, client_for):
    from grids.models import GridNode, Level

    assistant_unit = people.assistant.assignments.get().node
    other_unit = GridNode.objects.filter(level=Level.UNIT_GRID).exclude(pk=assistant_unit.pk).first()
    in_theirs = _report(people.grid_manager, assistant_unit, modules)
    in_other = _report(people.grid_manager, other_unit, modules)
    html = client_for(people.assistant).get("/my/").content.decode()
    assert f'data-appeal="{in_theirs.pk}"' in html and f'data-appeal="{in_other.pk}"' not in html


def test_the_worker_home_is_for_grid_workers_only(people, client_for):
    for user in (people.zhongxin, people.center, people.department, people.nobody):
        assert client_for(user).get("/my/").status_code == 404


def test_the_worker_home_takes_the_same_number_of_queries_for_few_and_many_rows(
    grid,
    registry,
    categories,
    modules,
    people,
    client_for,
    clock,
):
    units = grid
    residents = list(Resident.objects.filter(household__unit_grid__in=units).order_by("id")[:6])
    client = client_for(people.grid_manager)
    _tag_elderly(residents[0], categories, clock.today)
    _report(people.grid_manager, units[0], modules)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/my/").status_code == 200
        return len(captured)

    count()
    few = count()
    for resident in residents[1:]:
        _tag_elderly(resident, categories, clock.today)
        _report(people.grid_manager, units[-1], modules)
    assert count() == few
