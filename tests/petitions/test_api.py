import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Appeal, Status

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def spread(make_appeal):
    """Appeals in both streets and at every kind of handling unit."""
    return {
        "zx_received": make_appeal("received"),
        "zx_street": make_appeal("dispatched"),
        "zx_community": make_appeal("dispatched", unit="community"),
        "zx_department": make_appeal("in_progress", unit="department"),
        "sg_street": make_appeal("dispatched", where="shuiguo"),
        "sg_department": make_appeal("dispatched", where="shuiguo", unit="department"),
        "sg_closed": make_appeal("closed", where="shuiguo"),
    }


def test_a_street_officer_lists_exactly_the_appeals_inside_or_dispatched_to_the_street(spread, people, client_for):
    client = client_for(people.zhongxin)
    mine = {spread[k].pk for k in ("zx_received", "zx_street", "zx_community", "zx_department")}
    assert ids(client.get("/api/appeals/?page_size=100")) == mine
    queue = ids(client.get("/api/appeals/queue/"))
    assert queue == {spread["zx_street"].pk, spread["zx_community"].pk}


def test_the_street_officer_of_shuiguo_sees_nothing_of_zhongxin(spread, people, client_for):
    client = client_for(people.shuiguo)
    listed = ids(client.get("/api/appeals/?page_size=100"))
    assert listed == {spread[k].pk for k in ("sg_street", "sg_department", "sg_closed")}
    for key in ("zx_received", "zx_street", "zx_community", "zx_department"):
        pk = spread[key].pk
        assert client.get(f"/api/appeals/{pk}/").status_code == 404
        assert client.post(f"/api/appeals/{pk}/sign/", {}, content_type="application/json").status_code == 404
        assert client.post(f"/api/appeals/{pk}/add-photos/", {}).status_code in (400, 404)
    assert ids(client.get("/api/appeals/queue/")) == {spread["sg_street"].pk}
    assert ids(client.get("/api/appeals/inbox/")) == set()
    assert ids(client.get("/api/appeals/queue/?tab=overdue")) == set()


def test_a_department_officer_sees_only_what_was_dispatched_to_the_department(spread, people, client_for):
    client = client_for(people.department)
    expected = {spread["zx_department"].pk, spread["sg_department"].pk}
    assert ids(client.get("/api/appeals/?page_size=100")) == expected
    assert ids(client.get("/api/appeals/queue/")) == expected
    assert client.get(f"/api/appeals/{spread['zx_street'].pk}/").status_code == 404


def test_a_grid_manager_sees_the_appeals_of_the_base_grid_only(spread, people, client_for, make_appeal):
    client = client_for(people.grid_manager)
    listed = ids(client.get("/api/appeals/?page_size=100"))
    visible = set(Appeal.objects.visible_to(people.grid_manager).values_list("pk", flat=True))
    assert listed == visible
    assert not listed & {spread[k].pk for k in ("sg_street", "sg_department", "sg_closed")}


def test_someone_without_a_post_sees_no_appeal(spread, people, client_for):
    client = client_for(people.nobody)
    assert ids(client.get("/api/appeals/")) == set()
    assert ids(client.get("/api/appeals/queue/")) == set()
    assert client.get(f"/api/appeals/{spread['zx_street'].pk}/").status_code == 404


def test_anonymous_callers_are_refused(spread, client):
    assert client.get("/api/appeals/").status_code in (401, 403)


def test_the_command_center_sees_everything_and_its_inbox(spread, people, client_for):
    client = client_for(people.center)
    assert ids(client.get("/api/appeals/?page_size=100")) == {a.pk for a in spread.values()}
    assert ids(client.get("/api/appeals/inbox/")) == {spread["zx_received"].pk}


def test_list_filters_by_module_status_node_and_colour(spread, people, client_for, places):
    client = client_for(people.center)
    assert ids(client.get("/api/appeals/?status=closed")) == {spread["sg_closed"].pk}
    assert ids(client.get("/api/appeals/?status=dispatched&status=in_progress")) == {
        spread[k].pk for k in ("zx_street", "zx_community", "zx_department", "sg_street", "sg_department")
    }
    assert len(ids(client.get(f"/api/appeals/?node={places['shuiguo_street'].pk}"))) == 3
    assert ids(client.get("/api/appeals/?module=sanitation")) == set()
    assert len(ids(client.get("/api/appeals/?module=civil-affairs&page_size=100"))) == 7
    assert ids(client.get("/api/appeals/?colour=red")) == set()
    assert client.get("/api/appeals/?status=nonsense").status_code == 400
    assert client.get("/api/appeals/?node=999999").status_code == 404  # no such node in your area


def test_the_list_query_count_does_not_grow_with_the_page(make_appeal, people, client_for):
    client = client_for(people.center)
    make_appeal("dispatched")
    make_appeal("received")
    client.get("/api/appeals/")  # warm the locator and content types

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count("/api/appeals/"), count("/api/appeals/queue/"), count("/api/appeals/inbox/")
    for _ in range(6):
        make_appeal("dispatched", unit="department")
        make_appeal("received", where="shuiguo")
    assert (count("/api/appeals/"), count("/api/appeals/queue/"), count("/api/appeals/inbox/")) == few


def test_the_detail_query_count_does_not_grow_with_the_timeline(make_appeal, people, client_for):
    client = client_for(people.center)
    short = make_appeal("dispatched")
    long = make_appeal("closed")

    def count(pk):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/appeals/{pk}/").status_code == 200
        return len(captured)

    count(short.pk)
    assert count(short.pk) == count(long.pk)


def test_an_appeal_walks_the_whole_loop_through_the_api(people, modules, places, client_for):
    hotline = client_for(people.center)
    lon, lat = places["zhongxin"]
    created = hotline.post(
        "/api/appeals/",
        {"source": "hotline", "module": "sanitation", "description": "小区垃圾无人清运", "lon": lon, "lat": lat,
         "reporter_name": "李四", "reporter_phone": "13900001111"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reporter_phone_masked"] == "139****1111" and "13900001111" not in created.content.decode()
    pk = body["id"]
    assert "register" in body["available_actions"]

    def post(client, action, data=None):
        response = client.post(f"/api/appeals/{pk}/{action}/", data or {}, content_type="application/json")
        assert response.status_code == 200, (action, response.content)
        return response.json()

    post(hotline, "register")
    post(hotline, "dispatch", {"node": places["zhongxin_street"].pk})
    street = client_for(people.zhongxin)
    assert post(street, "sign")["status"] == "in_progress"
    post(street, "reply", {"reply": "已安排清运"})
    post(hotline, "verify")
    done = post(hotline, "return-visit", {"rating": "satisfied"})
    assert done["status"] == "closed"
    assert [e["action"] for e in done["events"]] == [
        "create", "register", "dispatch", "sign", "reply", "verify", "revisit"
    ]  # fmt: skip


def test_a_transition_the_actor_may_not_make_is_a_clear_403(make_appeal, people, client_for):
    appeal = make_appeal("dispatched")
    response = client_for(people.zhongxin).post(
        f"/api/appeals/{appeal.pk}/verify/", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert "dispatched" in response.json()["detail"]
    response = client_for(people.center).post(f"/api/appeals/{appeal.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == 403
    assert Appeal.objects.get(pk=appeal.pk).status == Status.DISPATCHED


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"module": ""}, "module"),
        ({"module": "no-such-module"}, "module"),
        ({"lon": 100.0, "lat": 30.0}, "location"),
        ({"description": "bad\x00text"}, "nul_character"),  # refused before the view: RejectNulMiddleware
        ({"lon": "east"}, "lon"),
    ],
)
def test_bad_intake_gets_a_clear_400_and_saves_nothing(people, modules, places, client_for, change, field):
    lon, lat = places["zhongxin"]
    data = {"source": "hotline", "module": "sanitation", "description": "x", "lon": lon, "lat": lat, **change}
    response = client_for(people.center).post("/api/appeals/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_photo_upload_that_is_not_an_image_is_a_400(make_appeal, people, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    appeal = make_appeal("dispatched")
    client = client_for(people.zhongxin)
    bad = SimpleUploadedFile("a.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(f"/api/appeals/{appeal.pk}/add-photos/", {"photos": [bad]})
    assert response.status_code == 400 and "not_an_image" in response.content.decode()
    good = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(f"/api/appeals/{appeal.pk}/add-photos/", {"photos": [good], "note": "现场"})
    assert response.status_code == 200, response.content
    assert len(response.json()["photos"]) == 1


def test_the_modules_endpoint_lists_the_seventeen_with_owners(modules, people, client_for):
    rows = client_for(people.zhongxin).get("/api/appeals/modules/").json()
    assert len(rows) == 17
    assert {r["code"]: r["owner"] for r in rows}["civil-affairs"] == "区民政局"


def test_the_appeals_api_is_in_the_openapi_schema(people, client_for):
    schema = client_for(people.center).get("/api/schema/").content.decode()
    assert "/api/appeals/{id}/dispatch/" in schema and "/api/appeals/queue/" in schema


@pytest.mark.parametrize(
    ("source", "who"),
    [("hotline", "center"), ("web", "center"), ("visit", "grid_manager"), ("grid", "assistant"), ("visit", "zhongxin")],
)
def test_an_appeal_can_be_taken_in_from_each_staff_channel(people, modules, places, client_for, source, who):
    lon, lat = places["zhongxin"]
    response = client_for(getattr(people, who)).post(
        "/api/appeals/",
        {"source": source, "module": "municipal", "description": "井盖松动", "lon": lon, "lat": lat},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == source and response.json()["status"] == "received"


def test_open311_cannot_be_claimed_as_a_source_through_the_staff_api(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    response = client_for(people.center).post(
        "/api/appeals/",
        {"source": "open311", "module": "municipal", "description": "x", "lon": lon, "lat": lat},
        content_type="application/json",
    )
    assert response.status_code == 400 and not Appeal.objects.exists()


def test_an_auditor_may_not_take_appeals_in(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    response = client_for(people.auditor).post(
        "/api/appeals/",
        {"source": "hotline", "module": "municipal", "description": "x", "lon": lon, "lat": lat},
        content_type="application/json",
    )
    assert response.status_code == 403 and not Appeal.objects.exists()


def test_the_modules_endpoint_needs_a_login(client, modules):
    assert client.get("/api/appeals/modules/").status_code in (401, 403)


def test_the_queue_tabs_sort_cases_into_overdue_and_due_soon(make_appeal, people, client_for):
    import datetime

    from django.utils import timezone

    late, soon, later = (make_appeal("in_progress") for _ in range(3))
    now = timezone.now()
    Appeal.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(hours=2))
    Appeal.objects.filter(pk=soon.pk).update(deadline=now + datetime.timedelta(hours=20))
    Appeal.objects.filter(pk=later.pk).update(deadline=now + datetime.timedelta(days=6))
    client = client_for(people.zhongxin)
    assert ids(client.get("/api/appeals/queue/?tab=overdue")) == {late.pk}
    assert ids(client.get("/api/appeals/queue/?tab=due_soon")) == {soon.pk}
    assert ids(client.get("/api/appeals/queue/")) == {late.pk, soon.pk, later.pk}
    assert ids(client.get("/api/appeals/?overdue=true")) == {late.pk}
    assert client.get("/api/appeals/queue/?tab=everything").status_code == 400


def test_ids_past_the_key_range_are_not_found_never_a_server_error(make_appeal, people, client_for, client):
    appeal = make_appeal("received")
    huge = "99999999999999999999"
    center = client_for(people.center)
    assert center.get(f"/api/appeals/{huge}/").status_code == 404
    assert center.post(f"/api/appeals/{huge}/register/", {}, content_type="application/json").status_code == 404
    merge = center.post(f"/api/appeals/{appeal.pk}/merge/", {"into": int(huge)}, content_type="application/json")
    assert merge.status_code == 400
    assert center.get(f"/api/appeals/?node={huge}").status_code == 400
    assert center.get(f"/api/appeals/?module={huge}").status_code == 200
    assert center.get(f"/appeals/{huge}/").status_code == 404
    assert center.post(f"/appeals/{huge}/act/register/").status_code == 404
    assert center.post(f"/appeals/{appeal.pk}/act/merge/", {"into": huge}, follow=True).status_code == 200
    assert client.get(f"/open311/v2/requests/{huge}.json").status_code == 404
    assert client.get(f"/open311/v2/requests.json?service_request_id={huge}").json() == []


def test_list_counts_stop_at_the_cap_and_say_so(make_appeal, people, client_for, monkeypatch):
    from petitions import pagination

    for _ in range(4):
        make_appeal("received")
    client = client_for(people.center)
    body = client.get("/api/appeals/?page_size=2").json()
    assert body["count"] == 4 and body["count_capped"] is False
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    body = client.get("/api/appeals/?page_size=2").json()
    assert body["count"] == 3 and body["count_capped"] is True and body["next"]
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    assert client.get("/api/appeals/?page_size=2").json()["count_capped"] is False
