import datetime

import pytest

from gridgov.errors import InvalidInput, NotAllowed, NotFound
from petitions.models import Appeal, AppealEvent, Source, Status
from residents.models import Household, ResidentTag
from visits import services
from visits.models import CampaignAssignment, Opinion, Visit
from visits.services import OpinionInput

from .conftest import TODAY


def mine(campaign, cadre):
    return CampaignAssignment.objects.filter(campaign=campaign, cadre=cadre).select_related("household")


def test_balanced_assignment_gives_every_household_of_the_area_one_cadre_in_equal_shares(campaign, streets, cadres):
    households = Household.objects.filter(street=streets["中心街街道"]).count()
    counts = [mine(campaign, c).count() for c in cadres]
    assert sum(counts) == households > 0
    assert max(counts) - min(counts) <= 1


def test_assigning_again_leaves_assigned_households_alone(campaign, people):
    assert services.campaign_assign_balanced(actor=people.center, campaign=campaign) == 0


def test_a_street_officer_cannot_plan_a_campaign_in_another_street(people, streets):
    with pytest.raises(NotAllowed):
        services.campaign_create(
            actor=people.shuiguo, name="x", start_date=TODAY, end_date=TODAY, scope_node=streets["中心街街道"]
        )


def test_a_household_can_be_given_to_another_cadre_of_the_campaign(campaign, cadres, people):
    a = mine(campaign, cadres[0]).first()
    services.campaign_assignment_change(actor=people.zhongxin, assignment=a, cadre=cadres[1])
    a.refresh_from_db()
    assert a.cadre == cadres[1]


def test_a_cadre_records_a_visit_and_each_opinion_becomes_a_visit_appeal(campaign, cadres, modules):
    a = mine(campaign, cadres[0]).first()
    visit = services.visit_record(
        actor=cadres[0],
        household=a.household,
        visited_on=TODAY,
        met="户主",
        notes="家中整洁",
        campaign=campaign,
        opinions=[OpinionInput(modules["municipal"], "门口路灯不亮"), OpinionInput("sanitation", "垃圾清运不及时")],
    )
    opinions = list(visit.opinions.select_related("appeal"))
    assert len(opinions) == 2
    for opinion in opinions:
        appeal = opinion.appeal
        assert appeal.source == Source.VISIT and appeal.status == Status.RECEIVED
        assert appeal.unit_grid_id == a.household.unit_grid_id
        assert AppealEvent.objects.filter(appeal=appeal, action="create").exists()
    a.refresh_from_db()
    assert a.first_visit == visit and a.visited_on == TODAY


def test_a_visit_to_a_household_outside_the_cadres_assignment_is_refused_and_nothing_is_saved(
    campaign, cadres, modules
):
    other = mine(campaign, cadres[1]).first()
    with pytest.raises(NotAllowed, match="not one of your households"):
        services.visit_record(
            actor=cadres[0],
            household=other.household,
            visited_on=TODAY,
            campaign=campaign,
            opinions=[OpinionInput("municipal", "路灯不亮")],
        )
    assert not Visit.objects.exists() and not Appeal.objects.exists()


def test_an_opinion_without_a_module_is_refused_and_nothing_is_saved(campaign, cadres, modules):
    a = mine(campaign, cadres[0]).first()
    with pytest.raises(InvalidInput, match="Choose a service module"):
        services.visit_record(
            actor=cadres[0],
            household=a.household,
            visited_on=TODAY,
            campaign=campaign,
            opinions=[OpinionInput("municipal", "路灯不亮"), OpinionInput(None, "没有模块")],
        )
    assert not Visit.objects.exists() and not Appeal.objects.exists() and not Opinion.objects.exists()
    a.refresh_from_db()
    assert a.visited_on is None


def test_a_routine_visit_outside_the_workers_area_is_refused(people, registry, streets):
    far = Household.objects.filter(street=streets["税郭镇"]).first()
    with pytest.raises(NotFound, match="no such household"):
        services.visit_record(actor=people.grid_manager, household=far, visited_on=TODAY)
    assert not Visit.objects.exists()


def test_a_routine_visit_records_the_follow_ups_of_the_households_tags(people, registry):
    tag = (
        ResidentTag.objects.filter(unit_grid__parent=people.grid_manager.assignments.get().node)
        .select_related("resident__household")
        .first()
    )
    visit = services.visit_record(
        actor=people.grid_manager, household=tag.resident.household, visited_on=TODAY, followed_tags=[tag]
    )
    assert list(visit.followed_tags.all()) == [tag]


def test_a_follow_up_of_another_households_tag_is_refused(people, registry):
    tags = list(ResidentTag.objects.filter(unit_grid__parent=people.grid_manager.assignments.get().node))
    tag = tags[0]
    other = next(t for t in tags if t.resident.household_id != tag.resident.household_id)
    with pytest.raises(InvalidInput):
        services.visit_record(
            actor=people.grid_manager, household=tag.resident.household, visited_on=TODAY, followed_tags=[other]
        )
    assert not Visit.objects.exists()


def test_a_visit_dated_in_the_future_is_refused(people, registry):
    household = Household.objects.visible_to(people.grid_manager).first()
    with pytest.raises(InvalidInput):
        services.visit_record(
            actor=people.grid_manager, household=household, visited_on=TODAY + datetime.timedelta(days=1)
        )


def test_diary_entries_need_text_and_known_topics_in_the_writers_area(people, streets):
    node = people.grid_manager.assignments.get().node
    entry = services.diary_entry_create(
        actor=people.grid_manager, node=node, date=TODAY, text="走访独居老人三户", topics=["special", "livelihood"]
    )
    assert entry.topics == ["special", "livelihood"]
    with pytest.raises(InvalidInput):
        services.diary_entry_create(actor=people.grid_manager, node=node, date=TODAY, text="x", topics=["nope"])
    with pytest.raises(NotAllowed):
        services.diary_entry_create(actor=people.grid_manager, node=streets["税郭镇"], date=TODAY, text="x")


def test_a_proxy_service_is_closed_once_with_its_result(people, registry):
    from gridgov.errors import Conflict
    from residents.models import Resident

    resident = Resident.objects.visible_to(people.grid_manager).first()
    service = services.proxy_service_create(actor=people.grid_manager, resident=resident, what="代办老年证")
    service = services.proxy_service_finish(actor=people.grid_manager, service=service, result="已办好送到家")
    assert service.status == "done" and service.done_at
    with pytest.raises(Conflict):
        services.proxy_service_finish(actor=people.grid_manager, service=service, result="again")
