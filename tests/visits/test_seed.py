import pytest
from django.db.models import Count, Max

from accounts.roles import Role
from grids.models import Assignment
from petitions.models import Appeal, Source
from residents.models import Household, ResidentTag
from residents.services import next_visit_due
from visits import demo
from visits.models import Campaign, CampaignAssignment, DiaryEntry, FollowUp, Opinion, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_small_district")]


def test_the_small_seed_makes_a_campaign_with_visits_opinions_and_follow_ups():
    campaign = Campaign.objects.get()
    assert campaign.cadres.count() == demo.CADRES["small"]
    assert Assignment.objects.filter(role=Role.CADRE, user__in=campaign.cadres.all()).count() == demo.CADRES["small"]
    assignments = CampaignAssignment.objects.filter(campaign=campaign)
    # Every household of the district, once, shared evenly.
    assert assignments.count() == Household.objects.count()
    per_cadre = [r["n"] for r in assignments.values("cadre").annotate(n=Count("id"))]
    assert max(per_cadre) - min(per_cadre) <= 1
    visited = assignments.filter(visited_on__isnull=False)
    assert 0.6 < visited.count() / assignments.count() < 0.85
    # The marks agree with the visits: each visited assignment points at a visit of its
    # household in this campaign, dated as marked.
    for a in visited.select_related("first_visit")[:200]:
        assert a.first_visit.household_id == a.household_id and a.first_visit.visited_on == a.visited_on
    assert not assignments.filter(visited_on__isnull=True, household__visits__campaign=campaign).exists()
    # Opinions became appeals with source "visit" through the intake service.
    opinions = Opinion.objects.select_related("appeal")
    assert opinions.count() >= demo.OPINIONS["small"]
    assert all(o.appeal.source == Source.VISIT for o in opinions)
    assert Appeal.objects.filter(opinion__isnull=False).count() == opinions.count()
    assert FollowUp.objects.exists() and DiaryEntry.objects.exists()
    assert Visit.objects.filter(campaign__isnull=True).count() == FollowUp.objects.count()


def test_every_seeded_tag_is_due_from_its_start_or_its_latest_follow_up():
    tags = ResidentTag.objects.annotate(last=Max("followups__visited_on")).select_related("category")
    assert tags.filter(last__isnull=True).exists() and tags.filter(last__isnull=False).exists()
    for tag in tags:
        rule = next_visit_due(
            start_date=tag.start_date, last_visit=tag.last, interval_days=tag.category.visit_interval_days
        )
        assert tag.next_visit_on == rule, tag.pk
