import datetime

import pytest
from django.db.models import Q

from accounts.roles import Role
from accounts.scopes import compute_scope, scope_for
from gridgov.errors import Conflict, InvalidInput, NotAllowed
from grids.models import Assignment, GridNode, Level
from grids.services import assignment_end, assignment_start
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible_codes(user):
    return set(GridNode.objects.visible_to(user).values_list("code", flat=True))


def test_street_officer_sees_exactly_their_streets_subtree(people, streets):
    street = streets["中心街街道"]
    assert visible_codes(people.zhongxin) == {n.code for n in street.get_descendants(include_self=True)}
    assert not any(code.startswith(streets["税郭镇"].code) for code in visible_codes(people.zhongxin))


def test_command_center_supervision_and_auditors_see_the_whole_district(people):
    everything = set(GridNode.objects.values_list("code", flat=True))
    for user in (people.center, people.bureau, people.auditor):
        assert visible_codes(user) == everything


def test_grid_assistant_sees_only_their_unit_grid(people):
    unit = people.assistant.assignments.get().node
    assert visible_codes(people.assistant) == {unit.code}


def test_user_without_a_post_and_department_officer_see_no_grid_nodes(people):
    assert visible_codes(people.nobody) == set()
    assert visible_codes(people.department) == set()
    assert scope_for(people.department).department_ids == {people.department.assignments.get().department_id}


def test_a_post_inside_another_post_adds_nothing_to_the_scope(people, streets):
    community = streets["中心街街道"].get_children().first()
    assignment_start(actor=people.admin, user=people.zhongxin, role=Role.CADRE, node=community)
    assert len(compute_scope(people.zhongxin).nodes) == 1


def test_an_ended_assignment_no_longer_grants_its_scope_but_stays_on_record(people):
    assignment = people.zhongxin.assignments.get()
    assignment_end(actor=people.admin, assignment=assignment)
    assert compute_scope(people.zhongxin).is_empty
    assignment.refresh_from_db()
    assert assignment.valid_to is not None and assignment.ended_by == people.admin
    assert Assignment.objects.filter(user=people.zhongxin).count() == 1


def test_an_assignment_starting_tomorrow_does_not_grant_scope_today(clock, people, streets):
    user = UserFactory()
    tomorrow = clock.today + datetime.timedelta(days=1)
    assignment_start(
        actor=people.admin, user=user, role=Role.STREET_OFFICE, node=streets["税郭镇"], valid_from=tomorrow
    )
    assert compute_scope(user).is_empty
    clock.move_to(tomorrow)
    assert not compute_scope(user).is_empty


def test_an_assignment_cannot_be_ended_twice(people):
    assignment = people.zhongxin.assignments.get()
    assignment_end(actor=people.admin, assignment=assignment)
    with pytest.raises(Conflict, match="already ended"):
        assignment_end(actor=people.admin, assignment=assignment)


def test_an_assignment_cannot_end_before_it_began(people):
    assignment = people.zhongxin.assignments.get()
    with pytest.raises(InvalidInput, match="before it began"):
        assignment_end(
            actor=people.admin, assignment=assignment, valid_to=assignment.valid_from - datetime.timedelta(1)
        )


@pytest.mark.parametrize(
    ("role", "level", "message"),
    [
        (Role.STREET_OFFICE, Level.COMMUNITY, "not on a Community"),
        (Role.GRID_ASSISTANT, Level.BASE_GRID, "not on a Base grid"),
        (Role.COMMAND_CENTER, Level.STREET, "not on a Street"),
        (Role.DEPARTMENT, Level.DISTRICT, "held on a department"),
        ("mayor", Level.DISTRICT, "Unknown role"),
    ],
)
def test_a_role_on_the_wrong_level_is_refused(people, role, level, message):
    node = GridNode.objects.filter(level=level).first()
    with pytest.raises(InvalidInput, match=message):
        assignment_start(actor=people.admin, user=UserFactory(), role=role, node=node)


def test_holding_the_same_post_twice_is_refused(people, streets):
    with pytest.raises(Conflict, match="already holds"):
        assignment_start(actor=people.admin, user=people.zhongxin, role=Role.STREET_OFFICE, node=streets["中心街街道"])


def test_only_administrators_assign_staff(people, streets):
    with pytest.raises(NotAllowed):
        assignment_start(actor=people.center, user=UserFactory(), role=Role.STREET_OFFICE, node=streets["税郭镇"])
    with pytest.raises(NotAllowed):
        assignment_end(actor=people.zhongxin, assignment=people.assistant.assignments.get())


def test_the_scope_is_computed_once_per_user_object(people, django_assert_num_queries):
    user = type(people.zhongxin).objects.get(pk=people.zhongxin.pk)
    with django_assert_num_queries(1):
        scope_for(user)
        scope_for(user)


def test_the_whole_districts_scope_still_sees_every_row_when_or_ed_with_another_condition(people, streets):
    # Q() | Q(x) is just Q(x) in Django: a scope of "everything" must not collapse that way.
    scope = scope_for(people.center)
    nodes = GridNode.objects.all()
    everyone = nodes.count()
    assert nodes.filter(scope.node_q() | Q(code="no-such-code")).count() == everyone
    assert nodes.filter(scope.located_q(street="parent", community="parent", unit_grid="parent") | Q(pk=0)).count() == (
        everyone
    )
    street = scope_for(people.zhongxin)
    assert (
        nodes.filter(street.node_q() | Q(code="no-such-code")).count()
        == nodes.filter(street.node_q()).count()
        < (everyone)
    )
