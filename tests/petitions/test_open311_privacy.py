"""The public Open311 GET lists only what residents chose to publish, through the one redactor,
at the unit grid's centroid; hotline calls and visit opinions never. The API docs need a login."""

import pytest
from django.db import IntegrityError, transaction
from shapely.geometry import shape

from gridgov.errors import InvalidInput
from gridgov.redact import redact
from petitions import services
from petitions.models import Appeal, Source

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "儿子失业想找工作，电话13812345678，身份证370402198001010011，住光明路12号1号楼3单元403室"
LEAKS = ["13812345678", "370402198001010011", "403室", "3单元", "12号", "1号楼"]


@pytest.fixture
def api_key(people, modules):
    _row, key = services.open311_key_create(actor=None, name="fixmystreet")
    return key


def create(people, modules, places, source, *, public=False, description=PRIVATE_TEXT, actor=None):
    lon, lat = places["zhongxin"]
    return services.appeal_create(
        actor=actor or people.center if source == Source.HOTLINE else actor or people.grid_manager,
        source=source,
        module=modules["sanitation"],
        description=description,
        lon=lon,
        lat=lat,
        address="光明路12号1号楼3单元403室",
        public=public,
    )


def listed(client) -> dict[int, dict]:
    return {row["service_request_id"]: row for row in client.get("/open311/v2/requests.json").json()}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("住3单元403室，儿子失业", "住＊，儿子失业"),
        ("69号门口垃圾满了", "＊门口垃圾满了"),
        ("5号楼下水道堵了", "＊下水道堵了"),
        ("光明路12号1号楼1单元101室", "光明路＊"),
        ("3-2-401 漏水", "＊ 漏水"),
        ("电话 138 1234 5678 或 0632-3312345", "电话 ＊ 或 ＊"),
        ("+86 13912345678", "＊"),
        ("身份证370402198001010011，旧证370402800101001", "身份证＊，旧证＊"),
        ("12月3号下午路灯不亮，2026-12-03 报", "12月3号下午路灯不亮，2026-12-03 报"),
        ("", ""),
    ],
)
def test_the_redactor_removes_phones_id_numbers_and_door_numbers_and_keeps_the_rest(value, expected):
    assert redact(value) == expected


def test_hotline_calls_visit_opinions_and_reports_without_consent_are_never_listed(
    client, people, modules, places, api_key
):
    hotline = create(people, modules, places, Source.HOTLINE)
    visit = create(people, modules, places, Source.VISIT)
    unconsented = create(people, modules, places, Source.GRID)
    consented = create(people, modules, places, Source.GRID, public=True)
    lon, lat = places["zhongxin"]
    client.post(
        "/open311/v2/requests.json",
        {"api_key": api_key, "service_code": "sanitation", "lat": lat, "long": lon, "description": PRIVATE_TEXT},
    )
    posted = Appeal.objects.get(source=Source.OPEN311)
    assert posted.public
    assert set(listed(client)) == {consented.pk, posted.pk}
    for hidden in (hotline, visit, unconsented):
        assert client.get(f"/open311/v2/requests/{hidden.pk}.json").status_code == 404
        assert client.get(f"/open311/v2/requests.json?service_request_id={hidden.pk}").json() == []


def test_a_published_appeal_shows_no_personal_data_and_only_the_grids_centroid(client, people, modules, places):
    appeal = create(people, modules, places, Source.GRID, public=True)
    for fmt in ("json", "xml"):
        body = client.get(f"/open311/v2/requests.{fmt}").content.decode()
        for leak in LEAKS:
            assert leak not in body, (fmt, leak)
        assert str(appeal.lon) not in body and str(appeal.lat) not in body
    row = listed(client)[appeal.pk]
    assert row["description"].startswith("儿子失业想找工作")
    centroid = shape(appeal.unit_grid.boundary).centroid
    assert (row["long"], row["lat"]) == (round(centroid.x, 5), round(centroid.y, 5))
    assert row["address"] == f"{appeal.community.name}, {appeal.street.name}"
    assert row["address_id"] == appeal.unit_grid.code


@pytest.mark.parametrize("source", [Source.HOTLINE, Source.VISIT])
def test_a_hotline_call_or_visit_opinion_cannot_be_made_public(people, modules, places, source):
    with pytest.raises(InvalidInput):
        create(people, modules, places, source, public=True)
    assert not Appeal.objects.exists()
    appeal = create(people, modules, places, source)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(public=True)


def test_the_report_page_publishes_only_with_the_reporters_consent(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    client = client_for(people.grid_manager)
    page = client.get("/appeals/report/").content.decode()
    assert 'name="public"' in page
    data = {"source": "grid", "module": modules["sanitation"].pk, "description": "井盖缺失", "lon": lon, "lat": lat}
    assert client.post("/appeals/report/", data).status_code == 302
    assert client.post("/appeals/report/", {**data, "public": "on"}).status_code == 302
    assert list(Appeal.objects.order_by("pk").values_list("public", flat=True)) == [False, True]
    refused = client.post("/appeals/report/", {**data, "source": "visit", "public": "on"})
    assert refused.status_code == 400
    assert "never published" in refused.content.decode()
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize("url", ["/api/docs/", "/api/schema/"])
def test_the_api_docs_and_schema_need_a_login(client, people, client_for, url):
    response = client.get(url)
    assert response.status_code in (302, 401, 403)
    assert b"openapi" not in response.content.lower()
    assert client_for(people.center).get(url).status_code == 200


def test_the_api_publishes_a_field_report_only_when_asked_and_never_a_hotline_call(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    data = {"module": "sanitation", "description": "井盖缺失", "lon": lon, "lat": lat}
    refused = client_for(people.center).post(
        "/api/appeals/", {**data, "source": "hotline", "public": True}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "public"
    assert not Appeal.objects.exists()
    client = client_for(people.grid_manager)
    made = client.post("/api/appeals/", {**data, "source": "grid", "public": True}, content_type="application/json")
    assert made.status_code == 201 and made.json()["public"] is True
    plain = client.post("/api/appeals/", {**data, "source": "grid"}, content_type="application/json")
    assert plain.json()["public"] is False
