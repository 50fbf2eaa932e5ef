from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import services
from petitions.models import Appeal, Open311Key, Source, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(people, modules):
    _row, key = services.open311_key_create(actor=None, name="fixmystreet")
    return key


def published(appeal: Appeal) -> Appeal:
    """A field report whose reporter chose to publish it (the seeded appeals are hotline calls)."""
    Appeal.objects.filter(pk=appeal.pk).update(source=Source.GRID, public=True)
    appeal.refresh_from_db()
    return appeal


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.content)


def post_request(client, places, key, fmt="xml", **extra):
    lon, lat = places["zhongxin"]
    data = {"api_key": key, "service_code": "sanitation", "lat": lat, "long": lon, "description": "垃圾桶满溢",
            "first_name": "三", "last_name": "张", "phone": "13812345678", **extra}  # fmt: skip
    return client.post(f"/open311/v2/requests.{fmt}", data)


def test_a_client_lists_the_seventeen_services_in_xml_and_json(client, modules):
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and len(root.findall("service")) == 17
    first = root.find("service")
    assert [c.tag for c in first] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"
    ]  # fmt: skip
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"
    rows = client.get("/open311/v2/services.json").json()
    assert len(rows) == 17 and rows[6]["service_code"] == "civil-affairs" and rows[6]["group"] == "区民政局"


def test_a_client_reads_a_service_definition(client, modules):
    root = xml(client.get("/open311/v2/services/sanitation.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "sanitation"
    assert client.get("/open311/v2/services/sanitation.json").json() == {"service_code": "sanitation", "attributes": []}


def test_an_unknown_service_code_is_a_404_in_the_spec_error_format(client, modules):
    response = client.get("/open311/v2/services/potholes.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors" and root.find("error").findtext("code") == "404"
    response = client.get("/open311/v2/services/potholes.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404


def test_a_post_creates_an_appeal_that_shows_up_in_the_command_center_inbox(
    client, api_key, places, people, client_for
):
    response = post_request(client, places, api_key)
    assert response.status_code == 200, response.content
    root = xml(response)
    pk = int(root.find("request").findtext("service_request_id"))
    appeal = Appeal.objects.get(pk=pk)
    assert appeal.source == Source.OPEN311 and appeal.status == Status.RECEIVED
    assert appeal.open311_client.name == "fixmystreet" and appeal.reporter_name_masked == "张*"
    inbox = client_for(people.center).get("/api/appeals/inbox/").json()
    assert pk in {row["id"] for row in inbox["results"]}


def test_a_json_post_answers_in_json(client, api_key, places):
    response = post_request(client, places, api_key, fmt="json")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and "service_request_id" in body[0] and "token" not in body[0]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"api_key": ""}, 403),
        ({"service_code": ""}, 400),
        ({"service_code": "potholes"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"lat": "30.0", "long": "100.0"}, 400),
        ({"description": "bad\x00byte"}, 400),
        ({"description": ""}, 400),
        ({"jurisdiction_id": "sfgov.org"}, 404),
    ],
)
def test_bad_posts_get_the_spec_error_and_create_nothing(client, api_key, places, change, status):
    response = post_request(client, places, api_key, **change)
    assert response.status_code == status, response.content
    root = xml(response)
    assert root.tag == "errors" and root.find("error").findtext("code") == str(status)
    assert root.find("error").findtext("description")
    assert not Appeal.objects.exists()


def test_a_revoked_key_is_refused(client, api_key, places):
    services.open311_key_revoke(actor=None, name="fixmystreet")
    assert post_request(client, places, api_key).status_code == 403


def test_requests_are_read_in_both_formats_without_personal_data(client, api_key, places, make_appeal):
    published(make_appeal("dispatched", module="municipal"))
    closed = published(make_appeal("closed", where="shuiguo", module="municipal"))
    post_request(client, places, api_key)
    root = xml(client.get("/open311/v2/requests.xml"))
    assert len(root.findall("request")) == 3
    assert "13812345678" not in client.get("/open311/v2/requests.xml").content.decode()
    rows = client.get("/open311/v2/requests.json?status=closed").json()
    assert [r["service_request_id"] for r in rows] == [closed.pk]
    assert rows[0]["status"] == "closed" and rows[0]["agency_responsible"] == "税郭镇"
    open_rows = client.get("/open311/v2/requests.json?status=open&service_code=municipal").json()
    assert len(open_rows) == 1 and open_rows[0]["expected_datetime"]
    one = client.get(f"/open311/v2/requests/{closed.pk}.json").json()
    assert one[0]["service_request_id"] == closed.pk
    assert client.get("/open311/v2/requests/999999.xml").status_code == 404
    by_id = client.get(f"/open311/v2/requests.json?service_request_id={closed.pk}&status=open").json()
    assert [r["service_request_id"] for r in by_id] == [closed.pk]


def test_requests_filters_refuse_bad_dates_and_long_spans(client, modules):
    assert client.get("/open311/v2/requests.xml?start_date=yesterday").status_code == 400
    too_long = "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
    assert client.get(too_long).status_code == 400
    ok = "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00%2B08:00"
    assert client.get(ok).status_code == 200
    assert client.get("/open311/v2/requests.json?status=pending").status_code == 400


def test_the_requests_query_count_does_not_grow_with_the_list(client, make_appeal):
    published(make_appeal("dispatched", module="sanitation"))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/open311/v2/requests.json").status_code == 200
        return len(captured)

    few = count()
    for _ in range(5):
        published(make_appeal("closed", module="sanitation"))
    assert len(client.get("/open311/v2/requests.json").json()) == 6
    assert count() == few


def test_a_token_gives_the_service_request_id(client, make_appeal):
    appeal = make_appeal("received")
    rows = client.get(f"/open311/v2/tokens/{appeal.token}.json").json()
    assert rows == [{"service_request_id": appeal.pk, "token": str(appeal.token)}]
    assert xml(client.get(f"/open311/v2/tokens/{appeal.token}.xml")).find("request").findtext("token")
    assert client.get("/open311/v2/tokens/nope.xml").status_code == 404


def test_an_unknown_format_is_refused(client, modules):
    assert client.get("/open311/v2/services.csv").status_code == 404


def test_the_jurisdiction_id_of_this_district_is_accepted(client, modules):
    assert client.get("/open311/v2/services.xml?jurisdiction_id=shizhong.zaozhuang.gov.cn").status_code == 200


def test_the_key_command_prints_a_key_once_and_stores_only_its_hash(db):
    out = StringIO()
    call_command("open311_key", "city-app", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    row = Open311Key.objects.get(name="city-app")
    assert key not in (row.key_hash, row.prefix) and row.key_hash != key and key.startswith(row.prefix)
    with pytest.raises(CommandError):
        call_command("open311_key", "city-app", stdout=StringIO())
    call_command("open311_key", "city-app", "--revoke", stdout=StringIO())
    assert Open311Key.objects.get(name="city-app").revoked_at is not None


def test_control_characters_in_a_description_do_not_break_the_xml(client, api_key, places):
    assert post_request(client, places, api_key, description="bell\x07 and\ttab").status_code == 200
    root = xml(client.get("/open311/v2/requests.xml"))
    assert root.find("request").findtext("description") == "bell and\ttab"


def test_appeals_about_people_are_not_listed_publicly(client, make_appeal):
    private = published(make_appeal("dispatched", module="petitions"))
    public = published(make_appeal("dispatched", module="municipal"))
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [public.pk]
    assert client.get(f"/open311/v2/requests/{private.pk}.json").status_code == 404
    assert client.get(f"/open311/v2/requests.json?service_request_id={private.pk}").json() == []
