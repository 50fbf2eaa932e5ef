import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RevealLog
from gridgov.personal_data import open_value
from grids.models import GridNode, Level
from residents import selectors, services
from residents.models import Household, Relation, Resident

from .conftest import make_id_number, point_in

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/residents/households/",
    "/api/residents/residents/",
    "/api/residents/tags/",
    "/api/residents/buildings/",
    "/api/residents/organisations/",
]


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def add_households(street: GridNode, n: int):
    import random

    rng = random.Random(n)
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=street.code).order_by("code").last()
    for i in range(n):
        h = services.household_create(actor=None, address=f"加{i}", lon=point_in(unit)[0], lat=point_in(unit)[1])
        services.resident_create(
            actor=None, household=h, name=f"加{i}", relation=Relation.HEAD,
            id_number=make_id_number(rng, datetime.date(1970, 1, 1 + i), "M", region="370403"), phone="13900000000",
        )  # fmt: skip


@pytest.mark.parametrize("url", LISTS)
def test_list_endpoints_use_a_constant_number_of_queries(registry, streets, people, client_for, url):
    client = client_for(people.center)
    first, _ = queries(client, url)
    add_households(streets["中心街街道"], 6)
    second, _ = queries(client, url)
    assert first == second
    assert first <= 6


@pytest.mark.parametrize("url", [*LISTS, "/api/residents/households/in-bbox/?bbox=117,34,118,35"])
def test_street_officer_sees_only_their_own_streets_rows(registry, streets, people, client_for, url):
    zhongxin, shuiguo = streets["中心街街道"], streets["税郭镇"]
    body = client_for(people.zhongxin).get(url).json()
    rows = body.get("results", body.get("households"))
    own_households = set(Household.objects.filter(street=zhongxin).values_list("id", flat=True))
    other_households = set(Household.objects.filter(street=shuiguo).values_list("id", flat=True))
    for row in rows:
        if "residents/households" in url:
            assert row["id"] in own_households
        elif "residents/residents" in url:
            assert row["household"] in own_households
        elif "tags" in url:
            assert Resident.objects.get(pk=row["resident"]).household_id not in other_households
        else:
            assert row.get("street", zhongxin.pk) in (zhongxin.pk, None)
    if "households" in url or "residents/residents" in url:
        assert rows


def test_street_officer_cannot_open_another_streets_household_or_resident(registry, streets, people, client_for):
    client = client_for(people.zhongxin)
    household = Household.objects.filter(street=streets["税郭镇"]).first()
    resident = household.members.first()
    assert client.get(f"/api/residents/households/{household.pk}/").status_code == 404
    assert client.get(f"/api/residents/residents/{resident.pk}/").status_code == 404
    assert client.get(f"/api/residents/residents/?household={household.pk}").json()["count"] == 0
    own = Household.objects.filter(street=streets["中心街街道"]).first()
    assert client.get(f"/api/residents/households/{own.pk}/").status_code == 200


def test_no_api_response_holds_a_full_id_number_or_phone(registry, people, client_for):
    client = client_for(people.center)
    plain = [open_value(c) for c in Resident.objects.values_list("id_number_cipher", flat=True)]
    plain += [open_value(c) for c in Resident.objects.exclude(phone_cipher="").values_list("phone_cipher", flat=True)]
    household = Household.objects.first()
    text = "".join(
        client.get(url).content.decode()
        for url in [*LISTS, f"/api/residents/households/{household.pk}/", "/api/residents/residents/?page_size=500"]
    )
    assert "********" in text
    for value in plain:
        assert value not in text


def test_a_command_center_officer_reveals_one_id_number_and_it_is_logged(registry, people, client_for):
    resident = Resident.objects.first()
    url = f"/api/residents/residents/{resident.pk}/reveal/"
    refused = client_for(people.center).post(url, {"field": "id_number"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    assert not RevealLog.objects.exists()
    response = client_for(people.center).post(
        url, {"field": "id_number", "reason": "办理低保核对身份"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["value"] == open_value(resident.id_number_cipher)
    log = RevealLog.objects.get(user=people.center, object_id=resident.pk, field="id_number")
    assert log.reason == "办理低保核对身份"


def test_a_street_officer_may_not_reveal(registry, streets, people, client_for):
    resident = Resident.objects.filter(household__street=streets["中心街街道"]).first()
    response = client_for(people.zhongxin).post(
        f"/api/residents/residents/{resident.pk}/reveal/", {"field": "id_number"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not RevealLog.objects.exists()


def test_find_by_exact_id_number(registry, people, client_for):
    resident = Resident.objects.first()
    number = open_value(resident.id_number_cipher)
    client = client_for(people.center)
    url = "/api/residents/residents/lookup/"
    body = client.post(url, {"id_number": number}, content_type="application/json").json()
    assert [r["id"] for r in body["results"]] == [resident.pk]
    assert client.post(url, {"id_number": "370402"}, content_type="application/json").json()["count"] == 0


def test_households_in_bbox_use_a_constant_number_of_queries_whatever_they_hold(registry, streets, people, client_for):
    client = client_for(people.center)
    url = "/api/residents/households/in-bbox/?bbox=116,33,119,36"
    first, body = queries(client, url)
    assert body["mode"] == "points"
    assert body["count"] == Household.objects.count()
    add_households(streets["中心街街道"], 8)
    second, body2 = queries(client, url)
    assert body2["count"] == body["count"] + 8
    assert first == second
    tagged = [h for h in body["households"] if h["tags"]]
    assert tagged
    assert all(t == "disabled" for h in tagged for t in h["tags"])


def test_past_the_limit_households_in_bbox_become_counted_grid_nodes_of_the_users_area(registry, streets, people):
    box = selectors.BBox.parse("116,33,119,36")
    result = selectors.households_in_bbox(people.center, box, limit=5)
    assert result["mode"] == "clusters"
    assert result["level"] == Level.STREET  # a 3° wide view: one count per street
    assert result["count"] == Household.objects.count()
    own = selectors.households_in_bbox(people.zhongxin, box, limit=5)
    assert own["count"] == Household.objects.filter(street=streets["中心街街道"]).count()
    assert not GridNode.objects.filter(pk__in=[c["node"] for c in own["clusters"]], code__startswith="370402100")
    base = people.grid_manager.assignments.get().node
    box = selectors.BBox(base.min_lon, base.min_lat, base.max_lon, base.max_lat)
    small = selectors.households_in_bbox(people.grid_manager, box, limit=1)
    assert small["level"] == Level.UNIT_GRID  # a grid manager's clusters are the unit grids of their base grid
    assert {c["node"] for c in small["clusters"]} <= set(base.get_children().values_list("pk", flat=True))


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "10,10,5,5", "0,0,200,10", "nan,1,2,3"])
def test_a_bad_bbox_gets_a_clear_400(people, client_for, district, bbox):
    response = client_for(people.center).get(f"/api/residents/households/in-bbox/?bbox={bbox}")
    assert response.status_code == 400
    assert response.json()["field"] == "bbox"


def test_map_areas_give_each_levels_polygons_with_measures_in_constant_queries(registry, streets, people, client_for):
    client = client_for(people.zhongxin)
    for level in (1, 2, 3, 4):
        n, body = queries(client, f"/api/residents/areas/?level={level}&bbox=116,33,119,36")
        assert n <= 5  # session, user, scope, the polygons, the tagged counts
        features = body["features"]
        assert features
        assert all(f["properties"]["level"] == level for f in features)
        ids = [f["id"] for f in features]
        assert not GridNode.objects.filter(pk__in=ids).exclude(code__startswith=streets["中心街街道"].code).exists()
    street = next(f for f in client.get("/api/residents/areas/?level=1&bbox=116,33,119,36").json()["features"])
    assert street["properties"]["households"] == Household.objects.filter(street=streets["中心街街道"]).count()
    assert street["properties"]["tagged"] > 0


def test_creating_a_household_and_resident_through_the_api(district, streets, community_user, client_for):
    client = client_for(community_user)
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, parent__parent=community_user.assignments.get().node).first()
    lon, lat = point_in(unit)
    response = client.post("/api/residents/households/", {"address": "新户", "lon": lon, "lat": lat})
    assert response.status_code == 201, response.content
    household = response.json()
    response = client.post(
        "/api/residents/residents/",
        {"household": household["id"], "name": "新人", "relation": "head", "id_number": "370402198001010011",
         "phone": "13812345678"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["id_number_masked"] == "370402********0011"
    assert response.json()["phone_masked"] == "138****5678"
    bad = client.post("/api/residents/residents/", {"household": household["id"], "name": "x", "id_number": "1"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "id_number"


def test_a_community_user_cannot_create_a_household_in_another_street(district, streets, community_user, client_for):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=streets["税郭镇"].code).first()
    lon, lat = point_in(unit)
    response = client_for(community_user).post("/api/residents/households/", {"address": "x", "lon": lon, "lat": lat})
    assert response.status_code == 403
    assert response.json()["code"] == "outside_scope"
    response = client_for(community_user).post("/api/residents/households/", {"address": "x", "lon": 1, "lat": 1})
    assert response.status_code == 400
    assert response.json()["code"] == "outside_district"


def test_the_openapi_schema_lists_the_registry_endpoints(people, client_for):
    schema = client_for(people.center).get("/api/schema/?format=json")
    paths = json.loads(schema.content)["paths"]
    for path in [
        "/api/residents/households/",
        "/api/residents/households/in-bbox/",
        "/api/residents/residents/{id}/reveal/",
        "/api/residents/areas/",
        "/api/residents/categories/",
        "/api/residents/organisations/",
    ]:
        assert path in paths


def test_an_organisation_is_registered_with_a_masked_contact_phone_that_only_permitted_roles_reveal(
    district, streets, people, client_for
):
    unit = GridNode.objects.filter(level=Level.UNIT_GRID, code__startswith=streets["中心街街道"].code).first()
    lon, lat = point_in(unit)
    data = {"name": "枣庄市光明超市", "kind": "shop", "address": "光明路9号", "lon": lon, "lat": lat,
            "contact_name": "周杰", "contact_phone": "13912345678"}  # fmt: skip
    response = client_for(people.center).post("/api/residents/organisations/", data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact_phone_masked"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    url = f"/api/residents/organisations/{body['id']}/reveal/"
    assert client_for(people.zhongxin).post(url, {"field": "contact_phone"}).status_code == 403
    shuiguo = client_for(people.shuiguo).get(f"/api/residents/organisations/{body['id']}/")
    assert shuiguo.status_code == 404
    revealed = client_for(people.center).post(url, {"field": "contact_phone", "reason": "联系商户整改"})
    assert revealed.json()["value"] == "13912345678"
    assert RevealLog.objects.filter(field="contact_phone").count() == 1


def test_only_the_district_edits_the_special_population_categories(categories, people, client_for):
    data = {"code": "veteran", "name": "退役军人", "symbol": "军", "color": "#336699", "responsible_role": "community",
            "visit_interval_days": 90}  # fmt: skip
    assert client_for(people.zhongxin).post("/api/residents/categories/", data).status_code == 403
    assert client_for(people.center).post("/api/residents/categories/", data).status_code == 201
    bad = client_for(people.center).patch(
        f"/api/residents/categories/{categories['dibao'].pk}/", {"color": "red"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "color"


def test_a_tag_is_added_and_ended_through_the_api_and_stays_as_history(registry, categories, people, client_for):
    client = client_for(people.center)
    resident = Resident.objects.first()
    response = client.post(f"/api/residents/residents/{resident.pk}/tags/", {"category": "released"})
    assert response.status_code == 201, response.content
    tag = response.json()
    assert client.post(f"/api/residents/residents/{resident.pk}/tags/", {"category": "released"}).status_code == 409
    ended = client.post(f"/api/residents/tags/{tag['id']}/end/", {})
    assert ended.status_code == 200
    assert ended.json()["end_date"]
    assert client.get("/api/residents/tags/?category=released").json()["count"] == 1
    assert client.get("/api/residents/tags/?category=released&active=1").json()["count"] == 0
