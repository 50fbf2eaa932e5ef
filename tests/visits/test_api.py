import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Appeal, Source
from residents.models import Household
from visits import services
from visits.models import CampaignAssignment, Visit

from .conftest import TODAY as VISITS_TODAY

TODAY = VISITS_TODAY.isoformat()


def first_of(campaign, cadre):
    return CampaignAssignment.objects.filter(campaign=campaign, cadre=cadre).select_related("household").first()


def test_a_cadre_records_a_visit_with_an_opinion_through_the_api(client_for, campaign, cadres, modules):
    a = first_of(campaign, cadres[0])
    response = client_for(cadres[0]).post(
        "/api/visits/visits/",
        {
            "household": a.household_id,
            "visited_on": TODAY,
            "met": "户主",
            "campaign": campaign.pk,
            "opinions": [{"module": "municipal", "text": "路灯不亮"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["opinions"][0]["appeal_status"] == "received"
    assert Appeal.objects.get(pk=body["opinions"][0]["appeal"]).source == Source.VISIT


def test_the_api_refuses_an_opinion_without_a_module_with_a_clear_400(client_for, campaign, cadres, modules):
    a = first_of(campaign, cadres[0])
    response = client_for(cadres[0]).post(
        "/api/visits/visits/",
        {"household": a.household_id, "visited_on": TODAY, "campaign": campaign.pk, "opinions": [{"text": "x"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "module_required"
    assert not Visit.objects.exists()


def test_the_api_refuses_a_visit_to_another_cadres_household_with_403(client_for, campaign, cadres, modules):
    a = first_of(campaign, cadres[1])
    response = client_for(cadres[0]).post(
        "/api/visits/visits/",
        {"household": a.household_id, "visited_on": TODAY, "campaign": campaign.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_assigned"


@pytest.mark.parametrize("bad", ["x", "1.5", "-1"])
def test_bad_query_parameters_get_400(client_for, people, campaign, bad):
    response = client_for(people.center).get(f"/api/visits/campaigns/{campaign.pk}/coverage/?node={bad}")
    assert response.status_code == 400


def visit_half(campaign):
    for i, a in enumerate(CampaignAssignment.objects.filter(campaign=campaign).select_related("household")):
        if i % 2 == 0:
            services.visit_record(actor=a.cadre, household=a.household, visited_on=VISITS_TODAY, campaign=campaign)


def test_the_visit_list_is_scoped_to_the_callers_street(client_for, people, campaign):
    visit_half(campaign)
    assert client_for(people.zhongxin).get("/api/visits/visits/").json()["count"] > 0
    assert client_for(people.shuiguo).get("/api/visits/visits/").json()["count"] == 0


def test_another_streets_officer_cannot_open_a_visit(client_for, people, campaign):
    visit_half(campaign)
    visit = Visit.objects.first()
    assert client_for(people.zhongxin).get(f"/api/visits/visits/{visit.pk}/").status_code == 200
    assert client_for(people.shuiguo).get(f"/api/visits/visits/{visit.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["center", "bureau", "auditor", "admin"])
def test_the_districts_staff_see_every_campaign_assignment_and_visit(client_for, people, campaign, who):
    visit_half(campaign)
    client = client_for(getattr(people, who))
    assignments = client.get(f"/api/visits/assignments/?campaign={campaign.pk}").json()
    assert assignments["count"] == CampaignAssignment.objects.filter(campaign=campaign).count() > 0
    visit = Visit.objects.first()
    assert client.get(f"/api/visits/visits/{visit.pk}/").status_code == 200


def test_list_endpoints_take_a_constant_number_of_queries(client_for, people, campaign, district):
    client = client_for(people.center)
    urls = [
        "/api/visits/visits/",
        "/api/visits/campaigns/",
        f"/api/visits/assignments/?campaign={campaign.pk}",
        f"/api/visits/campaigns/{campaign.pk}/coverage/?node={district.pk}",
        f"/api/visits/campaigns/{campaign.pk}/coverage-by-cadre/",
        f"/api/visits/campaigns/{campaign.pk}/unvisited/",
        "/api/visits/due/",
        "/api/visits/diary/",
        "/api/visits/proxy-services/",
    ]
    node = people.grid_manager.assignments.get().node
    from residents.models import Resident

    resident = Resident.objects.visible_to(people.grid_manager).first()

    def add_rows(n):
        # A page with rows on it costs one query more than an empty one; start with some.
        for _ in range(n):
            a = CampaignAssignment.objects.filter(campaign=campaign, visited_on__isnull=True).first()
            services.visit_record(actor=a.cadre, household=a.household, visited_on=VISITS_TODAY, campaign=campaign)
            services.diary_entry_create(actor=people.grid_manager, node=node, date=VISITS_TODAY, text="日志")
            services.proxy_service_create(actor=people.grid_manager, resident=resident, what="代办")

    add_rows(1)
    client.get(urls[0])  # session and scope warm-up
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[url] = len(ctx.captured_queries)
    add_rows(4)
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        assert len(ctx.captured_queries) == counts[url], url


def test_the_cadres_own_households_endpoint_lists_only_theirs(client_for, campaign, cadres):
    body = client_for(cadres[0]).get(f"/api/visits/campaigns/{campaign.pk}/mine/").json()
    assert body["count"] == CampaignAssignment.objects.filter(campaign=campaign, cadre=cadres[0]).count()
    assert {r["cadre"] for r in body["results"]} == {cadres[0].pk}


def test_another_streets_officer_cannot_see_the_campaign_or_its_coverage(client_for, people, campaign):
    client = client_for(people.shuiguo)
    assert client.get("/api/visits/campaigns/").json()["count"] == 0
    assert client.get(f"/api/visits/campaigns/{campaign.pk}/coverage-by-cadre/").status_code == 404
    assert client.get(f"/api/visits/campaigns/{campaign.pk}/coverage/").status_code == 404


def test_a_campaign_manager_moves_a_household_to_another_cadre(client_for, people, campaign, cadres):
    a = first_of(campaign, cadres[0])
    url = f"/api/visits/assignments/{a.pk}/"
    assert (
        client_for(people.shuiguo).patch(url, {"cadre": cadres[1].pk}, content_type="application/json").status_code
        == 404
    )
    response = client_for(people.zhongxin).patch(url, {"cadre": cadres[1].pk}, content_type="application/json")
    assert response.status_code == 200 and response.json()["cadre"] == cadres[1].pk


def test_a_cadre_cannot_assign_households(client_for, campaign, cadres):
    response = client_for(cadres[0]).post(f"/api/visits/campaigns/{campaign.pk}/assign/")
    assert response.status_code == 403


def test_due_visits_are_scoped(client_for, people, registry):
    assert client_for(people.nobody).get("/api/visits/due/").json()["count"] == 0


def test_a_grid_manager_writes_a_diary_entry_and_another_street_cannot_read_it(client_for, people):
    node = people.grid_manager.assignments.get().node
    response = client_for(people.grid_manager).post(
        "/api/visits/diary/",
        {"node": node.pk, "date": TODAY, "text": "走访三户", "topics": ["livelihood"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client_for(people.zhongxin).get("/api/visits/diary/").json()["count"] == 1
    assert client_for(people.shuiguo).get("/api/visits/diary/").json()["count"] == 0


def test_a_proxy_service_is_created_and_finished_through_the_api(client_for, people, registry):
    from residents.models import Resident

    resident = Resident.objects.visible_to(people.grid_manager).first()
    client = client_for(people.grid_manager)
    response = client.post(
        "/api/visits/proxy-services/", {"resident": resident.pk, "what": "代办医保"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client_for(people.shuiguo).get(f"/api/visits/proxy-services/{pk}/").status_code == 404
    response = client.post(
        f"/api/visits/proxy-services/{pk}/finish/", {"result": "已办"}, content_type="application/json"
    )
    assert response.json()["status"] == "done"


def test_a_routine_visit_to_a_household_outside_the_area_gets_404_naming_nothing(client_for, people, registry, streets):
    far = Household.objects.filter(street=streets["税郭镇"]).first()
    response = client_for(people.grid_manager).post(
        "/api/visits/visits/", {"household": far.pk, "visited_on": TODAY}, content_type="application/json"
    )
    assert response.status_code == 404
    assert far.number not in response.content.decode() and far.address not in response.content.decode()


def test_a_cadre_whose_post_ended_still_finds_their_own_visit_in_the_list_and_its_detail(client_for, people, campaign):
    from grids.services import assignment_end

    visit_half(campaign)
    visit = Visit.objects.first()
    cadre = visit.visitor
    for post in cadre.assignments.all():
        assignment_end(actor=people.admin, assignment=post)
    client = client_for(cadre)
    listed = {row["id"] for row in client.get("/api/visits/visits/?page_size=500").json()["results"]}
    assert listed == set(Visit.objects.filter(visitor=cadre).values_list("pk", flat=True))
    assert visit.pk in listed
    assert client.get(f"/api/visits/visits/{visit.pk}/").status_code == 200
