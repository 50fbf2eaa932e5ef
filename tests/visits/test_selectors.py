import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from grids.models import Level
from residents.models import Household, Resident
from residents.services import resident_tag_add
from visits import selectors, services
from visits.models import CampaignAssignment

from .conftest import TODAY


def visit_some(campaign, cadres, every=2):
    for i, a in enumerate(CampaignAssignment.objects.filter(campaign=campaign).select_related("household")):
        if i % every == 0:
            services.visit_record(actor=a.cadre, household=a.household, visited_on=TODAY, campaign=campaign)


def test_coverage_sums_consistently_from_unit_grids_up_to_the_district(campaign, cadres, people, district):
    visit_some(campaign, cadres, every=3)

    def check(node):
        total, rows = selectors.coverage_by_node(people.center, campaign, node)
        if node.level < Level.UNIT_GRID:
            for row in rows:
                child_total = check(row.node)
                assert (child_total.assigned, child_total.visited) == (row.assigned, row.visited)
        return total

    top = check(district)
    assert top.assigned == CampaignAssignment.objects.filter(campaign=campaign).count()
    assert top.visited == CampaignAssignment.objects.filter(campaign=campaign, visited_on__isnull=False).count() > 0


def test_coverage_by_node_takes_two_queries_at_any_level(campaign, cadres, people, district, streets):
    visit_some(campaign, cadres)
    for node in (district, streets["中心街街道"], streets["中心街街道"].get_children().first()):
        with CaptureQueriesContext(connection) as ctx:
            selectors.coverage_by_node(people.center, campaign, node)
        assert len(ctx.captured_queries) == 2


def test_a_street_officer_sees_no_coverage_of_another_street(campaign, cadres, people, district):
    visit_some(campaign, cadres)
    total, _ = selectors.coverage_by_node(people.shuiguo, campaign, district)
    assert total.assigned == 0
    total, _ = selectors.coverage_by_node(people.zhongxin, campaign, district)
    assert total.assigned > 0


def test_coverage_by_cadre_counts_each_cadres_households(campaign, cadres, people):
    visit_some(campaign, cadres)
    rows = selectors.coverage_by_cadre(people.center, campaign)
    assert {r.cadre_id for r in rows} == {c.pk for c in cadres}
    assert sum(r.assigned for r in rows) == CampaignAssignment.objects.filter(campaign=campaign).count()


def test_never_visited_households_drop_out_once_visited(people, registry):
    before = selectors.never_visited_households(people.grid_manager)
    household = before.first()
    n = before.count()
    services.visit_record(actor=people.grid_manager, household=household, visited_on=TODAY)
    assert selectors.never_visited_households(people.grid_manager).count() == n - 1


@pytest.fixture
def tagged(people, categories, registry):
    """An elderly-alone (every 7 days) and a released (every 30 days) resident in the grid
    manager's base grid, tagged 60 days ago."""
    base = people.grid_manager.assignments.get().node
    households = list(Household.objects.filter(unit_grid__parent=base).order_by("number")[:2])
    start = TODAY - datetime.timedelta(days=60)
    a = resident_tag_add(
        actor=None, resident=households[0].members.first(), category=categories["elderly-alone"], start_date=start
    )
    b = resident_tag_add(
        actor=None, resident=households[1].members.first(), category=categories["released"], start_date=start
    )
    return a, b


def test_due_visits_list_the_never_followed_up_first_and_drop_a_tag_once_followed_up(people, tagged):
    elderly, released = tagged
    due = selectors.due_visits(people.grid_manager)
    # Neither was ever followed up: both due since the day they were tagged.
    assert {elderly.pk, released.pk} <= {d.tag.pk for d in due}
    assert all(d.overdue_days >= 0 for d in due)
    services.visit_record(
        actor=people.grid_manager,
        household=released.resident.household,
        visited_on=TODAY - datetime.timedelta(days=40),
        followed_tags=[released],
    )
    due = {d.tag.pk: d for d in selectors.due_visits(people.grid_manager)}
    # Followed up 40 days ago on a 30-day rule: overdue by 10 days.
    assert due[released.pk].overdue_days == 10
    services.visit_record(
        actor=people.grid_manager, household=released.resident.household, visited_on=TODAY, followed_tags=[released]
    )
    assert released.pk not in {d.tag.pk for d in selectors.due_visits(people.grid_manager)}


def test_due_visits_are_sorted_overdue_first(people, tagged):
    elderly, released = tagged
    services.visit_record(
        actor=people.grid_manager,
        household=elderly.resident.household,
        visited_on=TODAY - datetime.timedelta(days=8),
        followed_tags=[elderly],
    )
    due = selectors.due_visits(people.grid_manager)
    dates = [d.due_on for d in due]
    assert dates == sorted(dates)
    assert due[0].tag.pk == released.pk  # due since its start 60 days ago


def test_a_grid_managers_due_list_holds_only_the_categories_grid_managers_follow_up(people, tagged):
    due = selectors.due_visits(people.grid_manager)
    assert {d.tag.category.responsible_role for d in due} <= {Role.GRID_MANAGER}


def test_due_visits_take_one_query_however_many_tags(people, tagged, categories):
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.due_visits(people.grid_manager))
    few = len(ctx.captured_queries)
    base = people.grid_manager.assignments.get().node
    for resident in Resident.objects.filter(household__unit_grid__parent=base)[:6]:
        resident_tag_add(actor=None, resident=resident, category=categories["mental-illness"], start_date=TODAY)
    people.grid_manager = type(people.grid_manager).objects.get(pk=people.grid_manager.pk)
    with CaptureQueriesContext(connection) as ctx:
        due = list(selectors.due_visits(people.grid_manager))
    assert len(due) >= 6
    assert len(ctx.captured_queries) == few


def test_a_cadres_own_progress_is_counted_once_however_many_cadres_the_campaign_has(campaign, cadres):
    visit_some(campaign, cadres, every=3)
    assert campaign.cadres.count() > 1
    for cadre in cadres:
        own = CampaignAssignment.objects.filter(campaign=campaign, cadre=cadre)
        [row] = selectors.campaigns_with_progress(cadre)
        expected = (own.count(), own.filter(visited_on__isnull=False).count())
        assert (row.assigned, row.visited) == expected
        progress = selectors.campaign_progress(cadre, campaign, cadre=cadre)
        assert (progress.assigned, progress.visited) == expected
