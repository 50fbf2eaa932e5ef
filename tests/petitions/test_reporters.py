"""The reporter as personal data: sealed at rest, masked everywhere, found by phone through
the blind index (registry residents and earlier appeals), revealed only to permitted roles
with a log row."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RevealLog
from gridgov import personal_data
from petitions import services
from petitions.models import Appeal, Source
from residents import services as registry
from residents.models import Relation

from .conftest import point_in

pytestmark = pytest.mark.django_db

PHONE = "13966667777"


@pytest.fixture
def residents(places, streets):
    """A registered caller in 中心街 and one with another phone in 税郭镇."""

    def make(street, phone, name):
        lon, lat = point_in(street)
        household = registry.household_create(actor=None, address=f"{street.name}1号", lon=lon, lat=lat)
        return registry.resident_create(
            actor=None, household=household, name=name, relation=Relation.HEAD, id_number="", phone=phone,
            sex="M", birth_date=datetime.date(1970, 5, 1),
        )  # fmt: skip

    return {
        "zhongxin": make(streets["中心街街道"], PHONE, "李大明"),
        "shuiguo": make(streets["税郭镇"], "13955554444", "王小红"),
    }


def test_the_stored_phone_is_a_cipher_that_opens_to_the_phone(make_appeal):
    appeal = make_appeal("received", phone=PHONE)
    row = Appeal.objects.get(pk=appeal.pk)
    assert PHONE not in row.reporter_phone_cipher and personal_data.open_value(row.reporter_phone_cipher) == PHONE
    assert row.reporter_phone_hash == personal_data.phone_hash(PHONE)
    assert personal_data.open_value(row.reporter_name_cipher) == "张三"


def test_the_hotline_finds_a_registered_caller_by_phone(residents, people, client_for):
    page = client_for(people.center).post("/appeals/hotline/caller/", {"reporter_phone": PHONE}).content.decode()
    assert "李大明" in page and f'data-resident="{residents["zhongxin"].pk}"' in page
    assert "139****7777" in page and PHONE not in page


def test_the_caller_lookup_is_scoped_and_constant_in_queries(residents, make_appeal, people, client_for):
    make_appeal("dispatched", phone=PHONE)
    make_appeal("dispatched", where="shuiguo", phone=PHONE)

    def lookup(user, phone=PHONE):
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            body = client.post("/api/appeals/caller/", {"phone": phone}, content_type="application/json").json()
        return {r["id"] for r in body["residents"]}, {a["id"] for a in body["appeals"]}, len(captured)

    center_residents, center_appeals, queries = lookup(people.center)
    assert center_residents == {residents["zhongxin"].pk} and len(center_appeals) == 2
    street_residents, street_appeals, _ = lookup(people.zhongxin)
    assert street_residents == {residents["zhongxin"].pk} and len(street_appeals) == 1
    assert lookup(people.shuiguo)[:2] == (set(), {max(center_appeals)})
    assert lookup(people.shuiguo, "13955554444")[0] == {residents["shuiguo"].pk}
    assert lookup(people.zhongxin, "13955554444")[0] == set()  # another street's resident
    for _ in range(3):
        make_appeal("received", phone=PHONE)
    assert lookup(people.center)[2] == queries
    page = client_for(people.shuiguo).post("/appeals/hotline/caller/", {"reporter_phone": PHONE}).content.decode()
    assert "李大明" not in page


def test_an_appeal_taken_for_a_registered_resident_copies_their_sealed_phone(residents, people, modules, places):
    lon, lat = places["zhongxin"]
    appeal = services.appeal_create(
        actor=people.center, source=Source.HOTLINE, module=modules["municipal"], description="路灯坏了",
        lon=lon, lat=lat, reporter_resident=residents["zhongxin"],
    )  # fmt: skip
    assert appeal.reporter_resident == residents["zhongxin"]
    assert appeal.reporter_name_masked == "李**" and appeal.reporter_phone_masked == "139****7777"
    assert appeal.reporter_phone_hash == residents["zhongxin"].phone_hash


def test_the_hotline_form_takes_the_chosen_resident(residents, people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    data = {"module": modules["municipal"].pk, "description": "x", "lon": lon, "lat": lat,
            "reporter_resident": residents["zhongxin"].pk}  # fmt: skip
    assert client_for(people.center).post("/appeals/hotline/", data).status_code == 302
    assert Appeal.objects.get().reporter_resident == residents["zhongxin"]


def test_a_resident_outside_the_actors_area_is_refused(residents, people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    response = client_for(people.grid_manager).post(
        "/api/appeals/",
        {"source": "grid", "module": "municipal", "description": "x", "lon": lon, "lat": lat,
         "reporter_resident": residents["shuiguo"].pk},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400 and "reporter_resident" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_command_center_reveals_a_reporter_with_a_reason_and_the_reveal_is_logged(make_appeal, people, client_for):
    appeal = make_appeal("verified", phone=PHONE)
    response = client_for(people.center).post(
        f"/api/appeals/{appeal.pk}/reveal-reporter/", {"reason": "回访核实"}, content_type="application/json"
    )
    assert response.json() == {"reporter_name": "张三", "reporter_phone": PHONE}
    logged = RevealLog.objects.filter(user=people.center, object_id=appeal.pk)
    assert sorted(logged.values_list("field", "reason")) == [
        ("reporter_name", "回访核实"),
        ("reporter_phone", "回访核实"),
    ]
    page = client_for(people.center).post(f"/appeals/{appeal.pk}/reveal/", {"reason": "电话回访"}).content.decode()
    assert PHONE in page and RevealLog.objects.count() == 4


def test_a_reporter_reveal_without_a_reason_is_refused_and_leaves_no_log(make_appeal, people, client_for):
    appeal = make_appeal("verified", phone=PHONE)
    client = client_for(people.center)
    api = client.post(f"/api/appeals/{appeal.pk}/reveal-reporter/")
    assert api.status_code == 400 and api.json()["field"] == "reason"
    response = client.post(f"/appeals/{appeal.pk}/reveal/", {"reason": "  "})
    assert response.status_code == 400 and "Say why" in response.content.decode()
    assert PHONE not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_the_appeal_page_asks_for_the_reason_before_revealing(make_appeal, people, client_for):
    appeal = make_appeal("verified", phone=PHONE)
    page = client_for(people.center).get(f"/appeals/{appeal.pk}/").content.decode()
    form = page[page.index('id="reveal-form"') :]
    assert 'name="reason" required' in form[: form.index("</form>")]


def test_a_street_officer_may_not_reveal_a_reporter(make_appeal, people, client_for):
    appeal = make_appeal("dispatched", phone=PHONE)
    client = client_for(people.zhongxin)
    assert client.post(f"/api/appeals/{appeal.pk}/reveal-reporter/").status_code == 403
    assert client.post(f"/appeals/{appeal.pk}/reveal/").status_code == 403
    assert "reveal-reporter" not in client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert not RevealLog.objects.exists()


def test_a_grid_manager_cannot_reveal_an_appeal_outside_the_grid(make_appeal, people, client_for):
    appeal = make_appeal("dispatched", where="shuiguo", phone=PHONE)
    response = client_for(people.grid_manager).post(
        f"/api/appeals/{appeal.pk}/reveal-reporter/", {"reason": "核实"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not RevealLog.objects.exists()


def test_the_hotline_places_an_appeal_by_a_registered_address_within_scope(residents, people, client_for):
    page = client_for(people.center).get("/appeals/hotline/address/?address=中心街").content.decode()
    household = residents["zhongxin"].household
    assert household.address in page and f'data-lon="{household.lon}"' in page
    assert "税郭镇" not in client_for(people.zhongxin).get("/appeals/hotline/address/?address=1号").content.decode()
    assert "<li>" not in client_for(people.center).get("/appeals/hotline/address/?address=x").content.decode()


@pytest.mark.parametrize(
    ("url", "data"),
    [("/appeals/hotline/caller/", {"reporter_phone": PHONE}), ("/appeals/hotline/address/?address=号", None)],
)
def test_the_hotline_lookups_make_the_same_number_of_queries_whatever_they_find(
    url, data, residents, make_appeal, people, client_for, streets
):
    client = client_for(people.center)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, data) if data else client.get(url)
            assert response.status_code == 200
        return len(captured)

    count()
    few = count()
    for _ in range(3):
        make_appeal("received", phone=PHONE)
    lon, lat = point_in(streets["中心街街道"])
    for i in range(3):
        household = registry.household_create(actor=None, address=f"新村{i}号", lon=lon, lat=lat)
        registry.resident_create(
            actor=None, household=household, name=f"赵{i}", relation=Relation.HEAD, id_number="", phone=PHONE,
            sex="F", birth_date=datetime.date(1980, 1, 1),
        )  # fmt: skip
    assert count() == few
