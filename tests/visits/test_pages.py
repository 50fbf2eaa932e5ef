import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from petitions.models import Appeal, Source
from residents.models import Household
from tests.xlsx_cells import HOSTILE_VALUES, formula_cells, text_values
from visits import services
from visits.models import CampaignAssignment, DiaryEntry, Visit

from .conftest import TODAY


def first_of(campaign, cadre):
    return CampaignAssignment.objects.filter(campaign=campaign, cadre=cadre).select_related("household").first()


def test_a_cadre_records_a_visit_with_an_opinion_on_the_phone_page(client_for, campaign, cadres, modules):
    a = first_of(campaign, cadres[0])
    client = client_for(cadres[0])
    page = client.get(f"/visits/campaigns/{campaign.pk}/mine/")
    assert page.status_code == 200 and a.household.number in page.content.decode()
    response = client.post(
        f"/visits/record/{a.household_id}/",
        {
            "campaign": campaign.pk,
            "visited_on": TODAY.isoformat(),
            "met": "户主",
            "notes": "",
            "opinion_module_0": "municipal",
            "opinion_text_0": "楼下路灯坏了",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == f"/visits/{visit.pk}/"
    appeal = Appeal.objects.get()
    assert appeal.source == Source.VISIT
    detail = client.get(response.url).content.decode()
    assert f"/appeals/{appeal.pk}/" in detail and "Received" in detail


def test_the_visit_form_shows_the_refusal_of_an_opinion_without_a_module_and_saves_nothing(
    client_for, campaign, cadres, modules
):
    a = first_of(campaign, cadres[0])
    response = client_for(cadres[0]).post(
        f"/visits/record/{a.household_id}/",
        {"campaign": campaign.pk, "visited_on": TODAY.isoformat(), "opinion_text_0": "没有选模块"},
    )
    assert response.status_code == 200
    assert "Choose a service module" in response.content.decode()
    assert not Visit.objects.exists() and not Appeal.objects.exists()


def test_a_cadre_cannot_open_the_form_for_another_cadres_household(client_for, campaign, cadres):
    a = first_of(campaign, cadres[1])
    assert client_for(cadres[0]).get(f"/visits/record/{a.household_id}/?campaign={campaign.pk}").status_code == 404


def test_a_grid_manager_cannot_open_the_form_for_a_household_in_another_street(client_for, people, registry, streets):
    far = Household.objects.filter(street=streets["税郭镇"]).first()
    assert client_for(people.grid_manager).get(f"/visits/record/{far.pk}/").status_code == 404


def test_another_streets_officer_cannot_open_a_visit_page(client_for, people, campaign, cadres):
    a = first_of(campaign, cadres[0])
    visit = services.visit_record(actor=cadres[0], household=a.household, visited_on=TODAY, campaign=campaign)
    assert client_for(people.zhongxin).get(f"/visits/{visit.pk}/").status_code == 200
    assert client_for(people.shuiguo).get(f"/visits/{visit.pk}/").status_code == 404


def test_coverage_page_drills_down_and_exports(client_for, people, campaign, cadres, streets, district):
    a = first_of(campaign, cadres[0])
    services.visit_record(actor=cadres[0], household=a.household, visited_on=TODAY, campaign=campaign)
    client = client_for(people.center)
    page = client.get(f"/visits/campaigns/{campaign.pk}/coverage/?node={district.pk}").content.decode()
    assert f"?node={streets['中心街街道'].pk}" in page
    visited = campaign.assignments.filter(visited_on__isnull=False).count()
    assert visited == 1
    # A percentage, never a bare ratio like (0.7).
    assert f"({round(visited / campaign.assignments.count() * 100)}%)" in page
    assert client.get(f"/visits/campaigns/{campaign.pk}/coverage/?node={a.community_id}").status_code == 200
    response = client.get(f"/visits/campaigns/{campaign.pk}/coverage.xlsx?node={district.pk}")
    wb = load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    total = CampaignAssignment.objects.filter(campaign=campaign).count()
    assert rows[2][1:3] == (total, 1)
    assert len(list(wb.worksheets[2].iter_rows())) == 1 + total - 1


def test_another_streets_officer_gets_404_for_the_campaigns_coverage(client_for, people, campaign):
    assert client_for(people.shuiguo).get(f"/visits/campaigns/{campaign.pk}/coverage/").status_code == 404
    assert client_for(people.shuiguo).get(f"/visits/campaigns/{campaign.pk}/coverage.xlsx").status_code == 404


def test_a_grid_manager_writes_in_the_diary_from_the_page(client_for, people):
    node = people.grid_manager.assignments.get().node
    client = client_for(people.grid_manager)
    response = client.post(
        "/visits/diary/", {"date": TODAY.isoformat(), "node": node.pk, "topics": ["safety"], "text": "消防通道堵塞"}
    )
    assert response.status_code == 302
    assert DiaryEntry.objects.get().topics == ["safety"]
    assert "消防通道堵塞" in client.get("/visits/diary/?topic=safety").content.decode()
    assert "消防通道堵塞" not in client.get("/visits/diary/?topic=dispute").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/visits/",
        "/visits/all/",
        "/visits/due/",
        "/visits/diary/",
        "/visits/proxy/",
        "/visits/never-visited/",
        "/visits/campaigns/{c}/mine/",
        "/visits/campaigns/{c}/coverage/",
        "/visits/campaigns/{c}/unvisited/",
    ],
)
def test_list_pages_take_a_constant_number_of_queries(client_for, people, campaign, cadres, url):
    url = url.format(c=campaign.pk)
    user = cadres[0] if "mine" in url else people.zhongxin
    node = people.grid_manager.assignments.get().node
    from residents.models import Resident

    resident = Resident.objects.visible_to(people.grid_manager).first()

    def add_rows(n):
        for _ in range(n):
            a = CampaignAssignment.objects.filter(campaign=campaign, cadre=cadres[0], visited_on__isnull=True).first()
            services.visit_record(actor=cadres[0], household=a.household, visited_on=TODAY, campaign=campaign)
            services.diary_entry_create(actor=people.grid_manager, node=node, date=TODAY, text="日志")
            services.proxy_service_create(actor=people.grid_manager, resident=resident, what="代办")

    add_rows(1)
    client = client_for(user)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    before = len(ctx.captured_queries)
    add_rows(3)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert len(ctx.captured_queries) == before


def test_bad_node_parameters_get_400_and_unknown_nodes_404_not_500(client_for, people, campaign):
    client = client_for(people.center)
    assert client.get(f"/visits/campaigns/{campaign.pk}/coverage/?node=abc").status_code == 400
    assert client.get(f"/visits/campaigns/{campaign.pk}/coverage/?node=999999").status_code == 404


@pytest.mark.parametrize("model", ["campaign", "campaignassignment", "visit", "opinion", "diaryentry", "proxyservice"])
def test_the_admin_lists_visit_records_read_only(client_for, people, campaign, model):
    from django.contrib.auth import get_user_model

    superuser = get_user_model().objects.create_superuser("root", password="x")
    client = client_for(superuser)
    assert client.get(f"/admin/visits/{model}/").status_code == 200
    assert client.get(f"/admin/visits/{model}/add/").status_code == 403


def test_a_visit_keeps_its_photos_and_refuses_a_file_that_is_not_an_image(
    client_for, people, registry, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.petitions.conftest import png_bytes
    from visits.models import VisitPhoto

    household = Household.objects.visible_to(people.grid_manager).first()
    client = client_for(people.grid_manager)
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(f"/visits/record/{household.pk}/", {"visited_on": TODAY.isoformat(), "photos": [bad]})
    assert response.status_code == 200 and not Visit.objects.exists()
    good = SimpleUploadedFile("door.png", png_bytes(), content_type="image/png")
    response = client.post(f"/visits/record/{household.pk}/", {"visited_on": TODAY.isoformat(), "photos": [good]})
    assert response.status_code == 302
    assert VisitPhoto.objects.get().visit == Visit.objects.get()


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_a_household_address_typed_as_a_formula_is_exported_as_text_in_the_coverage(
    client_for, people, campaign, district, value
):
    Household.objects.update(address=value)
    response = client_for(people.center).get(f"/visits/campaigns/{campaign.pk}/coverage.xlsx?node={district.pk}")
    assert response.status_code == 200
    assert formula_cells(response.content) == []
    assert value.replace("\r", "\n") in text_values(response.content)
