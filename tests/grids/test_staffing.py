"""格中定人: the staff posted on a grid, the grids whose manager or assistant post is empty, and
the grids outside their household band."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from grids.models import Assignment, GridNode, Level
from grids.services import assignment_end, assignment_start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def listed(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<tr data-node="(\d+)"', page)}


def test_a_unit_grids_page_lists_its_assistant_and_its_base_grids_manager_with_their_dates(people, client_for, clock):
    unit = people.assistant.assignments.get().node
    gone = UserFactory(username="gone", name="离任协管员")
    ended = assignment_start(
        actor=None, user=gone, role=Role.GRID_ASSISTANT, node=unit, valid_from=clock.today - datetime.timedelta(days=90)
    )
    assignment_end(actor=None, assignment=ended, valid_to=clock.today - datetime.timedelta(days=1))
    coming = UserFactory(username="coming", name="候任协管员")
    assignment_start(
        actor=None,
        user=coming,
        role=Role.GRID_ASSISTANT,
        node=unit,
        valid_from=clock.today + datetime.timedelta(days=3),
    )
    page = client_for(people.center).get(f"/grids/{unit.pk}/").content.decode()
    staff = page.split('id="staff"')[1].split("</table>")[0]
    roles = re.findall(r'data-role="(\w+)"', staff)
    assert roles == [Role.GRID_MANAGER, Role.GRID_ASSISTANT]
    assert people.grid_manager.name in staff and people.assistant.name in staff
    assert "离任协管员" not in staff and "候任协管员" not in staff
    assert clock.today.isoformat() in staff  # their posts began today
    assert 'href="/grids/without-staff/"' in page and 'href="/grids/outside-band/"' in page


def test_grids_without_a_manager_or_assistant_are_listed_and_a_filled_post_leaves_the_list(people, streets, client_for):
    unit = people.assistant.assignments.get().node
    base = people.grid_manager.assignments.get().node
    page = client_for(people.center).get("/grids/without-staff/").content.decode()
    empty = listed(page)
    assert unit.pk not in empty and base.pk not in empty
    # Every other base and unit grid of the small district is empty (16 + 8 in all, 2 filled).
    assert "22 in all" in page
    other = GridNode.objects.filter(level=Level.UNIT_GRID).exclude(pk=unit.pk).order_by("code").first()
    assert other.pk in empty
    assignment_start(actor=None, user=UserFactory(username="new"), role=Role.GRID_ASSISTANT, node=other)
    assert other.pk not in listed(client_for(people.center).get("/grids/without-staff/").content.decode())
    # Ending the manager's post puts the base grid on the list.
    assignment_end(actor=None, assignment=Assignment.objects.get(user=people.grid_manager))
    assert base.pk in listed(client_for(people.center).get("/grids/without-staff/").content.decode())


def test_a_street_officer_sees_only_their_own_streets_empty_posts(people, streets, client_for):
    page = client_for(people.zhongxin).get("/grids/without-staff/").content.decode()
    nodes = GridNode.objects.filter(pk__in=listed(page))
    assert nodes.exists()
    assert all(n.code.startswith(streets["中心街街道"].code) for n in nodes)
    assert client_for(people.nobody).get("/grids/without-staff/").content.decode().count("<tr data-node=") == 0


@pytest.mark.parametrize("url", ["/grids/without-staff/", "/grids/outside-band/"])
def test_the_grid_lists_take_the_same_number_of_queries_for_few_and_many_rows(people, client_for, url):
    client = client_for(people.center)
    GridNode.objects.filter(level=Level.UNIT_GRID).update(households=150)
    GridNode.objects.filter(level=Level.BASE_GRID).update(households=600)
    GridNode.objects.filter(pk=GridNode.objects.filter(level=Level.UNIT_GRID).first().pk).update(households=20)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    GridNode.objects.filter(level=Level.UNIT_GRID).update(households=20)
    for assignment in Assignment.objects.active().filter(role__in=[Role.GRID_MANAGER, Role.GRID_ASSISTANT]):
        assignment_end(actor=None, assignment=assignment)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)
    assert client.get(url).content.decode().count("<tr data-node=") > 10


def test_grids_outside_their_household_band_are_listed_by_level_and_side(people, client_for, settings):
    units = list(GridNode.objects.filter(level=Level.UNIT_GRID).order_by("code"))
    bases = list(GridNode.objects.filter(level=Level.BASE_GRID).order_by("code"))
    GridNode.objects.filter(level=Level.UNIT_GRID).update(households=180)
    GridNode.objects.filter(level=Level.BASE_GRID).update(households=650)
    GridNode.objects.filter(pk=units[0].pk).update(households=99)  # too few
    GridNode.objects.filter(pk=units[1].pk).update(households=251)  # too many
    GridNode.objects.filter(pk=units[2].pk).update(households=250)  # the band's edge is inside
    GridNode.objects.filter(pk=bases[0].pk).update(households=801)
    client = client_for(people.center)
    assert listed(client.get("/grids/outside-band/").content.decode()) == {units[0].pk, units[1].pk, bases[0].pk}
    assert listed(client.get("/grids/outside-band/?level=4").content.decode()) == {units[0].pk, units[1].pk}
    assert listed(client.get("/grids/outside-band/?level=4&side=below").content.decode()) == {units[0].pk}
    assert listed(client.get("/grids/outside-band/?side=above").content.decode()) == {units[1].pk, bases[0].pk}
    # Nonsense filters are ignored, not a 500.
    assert client.get("/grids/outside-band/?level=x&side=sideways&page=zz").status_code == 200
    # The band is a setting.
    settings.GRIDGOV_HOUSEHOLD_BANDS = {4: (100, 260)}
    assert listed(client.get("/grids/outside-band/?level=4").content.decode()) == {units[0].pk}
    # Scoped: the other street's officer sees none of 中心街's grids.
    assert listed(client_for(people.shuiguo).get("/grids/outside-band/").content.decode()) <= {
        n.pk for n in GridNode.objects.filter(code__startswith="370402100")
    }


def test_who_holds_a_post_is_read_in_one_place_by_role_node_and_department_today(people, clock):
    from grids.selectors import post_holders

    streets = {"zhongxin": people.zhongxin.assignments.get().node, "shuiguo": people.shuiguo.assignments.get().node}
    assert set(post_holders(Role.COMMAND_CENTER)) == {people.center}
    assert set(post_holders(Role.STREET_OFFICE, node=streets["zhongxin"])) == {people.zhongxin}
    assert set(post_holders(Role.STREET_OFFICE, nodes=[streets["zhongxin"].pk, streets["shuiguo"].pk])) == {
        people.zhongxin,
        people.shuiguo,
    }
    department = people.department.assignments.get().department
    assert set(post_holders(Role.DEPARTMENT, department=department)) == {people.department}
    assert set(post_holders(Role.DEPARTMENT, departments=[department.pk])) == {people.department}
    assert not post_holders(Role.STREET_OFFICE, node=streets["zhongxin"], on=clock.today - datetime.timedelta(days=1))
