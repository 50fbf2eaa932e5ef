import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions.models import Appeal, AppealEvent, Source, Status

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/appeals/all/", "/appeals/queue/", "/appeals/queue/?tab=overdue", "/appeals/queue/?tab=due_soon",
              "/appeals/return-visits/"]  # fmt: skip


def listed(response) -> set[int]:
    import re

    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-appeal="(\d+)"', response.content.decode())}


@pytest.fixture
def spread(make_appeal):
    return {
        "zx_street": make_appeal("dispatched"),
        "zx_community": make_appeal("in_progress", unit="community"),
        "zx_verified": make_appeal("verified"),
        "sg_street": make_appeal("dispatched", where="shuiguo"),
        "sg_department": make_appeal("dispatched", where="shuiguo", unit="department"),
        "sg_verified": make_appeal("verified", where="shuiguo"),
        "sg_received": make_appeal("received", where="shuiguo"),
    }


def test_each_role_lands_on_its_page(people, client_for):
    expected = {
        people.center: "/appeals/inbox/",
        people.zhongxin: "/appeals/queue/",
        people.department: "/appeals/queue/",
        people.grid_manager: "/appeals/report/",
        people.auditor: "/appeals/all/",
    }
    for user, url in expected.items():
        assert client_for(user).get("/appeals/")["Location"] == url


def test_the_street_queue_page_lists_exactly_its_cases(spread, people, client_for):
    client = client_for(people.zhongxin)
    assert listed(client.get("/appeals/queue/")) == {spread["zx_street"].pk, spread["zx_community"].pk}
    all_pks = listed(client.get("/appeals/all/"))
    assert all_pks == {spread[k].pk for k in ("zx_street", "zx_community", "zx_verified")}
    # Return visits are the command center's and the hotline's work: not a street's page.
    assert client.get("/appeals/return-visits/").status_code == 404


def test_no_page_leaks_another_streets_appeal(spread, people, client_for):
    client = client_for(people.shuiguo)
    theirs = {spread[k].pk for k in ("zx_street", "zx_community", "zx_verified")}
    for url in LIST_PAGES:
        if url.startswith("/appeals/return-visits/"):
            continue  # not a street's page (404, test above)
        assert not listed(client.get(url)) & theirs, url
    for pk in theirs:
        assert client.get(f"/appeals/{pk}/").status_code == 404
        assert client.post(f"/appeals/{pk}/act/sign/").status_code == 404
    assert client.get("/appeals/inbox/").status_code == 404


def test_a_department_officer_sees_only_its_cases_on_every_page(spread, people, client_for):
    client = client_for(people.department)
    assert listed(client.get("/appeals/queue/")) == {spread["sg_department"].pk}
    assert listed(client.get("/appeals/all/")) == {spread["sg_department"].pk}
    assert client.get("/appeals/return-visits/").status_code == 404


def test_the_inbox_shows_received_and_registered_to_the_command_center(spread, make_appeal, people, client_for):
    registered = make_appeal("registered")
    assert listed(client_for(people.center).get("/appeals/inbox/")) == {spread["sg_received"].pk, registered.pk}


@pytest.mark.parametrize("url", [*LIST_PAGES, "/appeals/inbox/", "/appeals/verify/", "/appeals/supervision/"])
def test_list_pages_make_the_same_number_of_queries_whatever_their_length(url, make_appeal, people, client_for):
    # Each page as the role that works from it: the queue is a street's.
    client = client_for(people.zhongxin if url.startswith("/appeals/queue/") else people.center)
    for status in ("received", "registered", "dispatched", "verified", "replied"):
        make_appeal(status)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    count()
    few = count()
    for status in ("received", "registered", "dispatched", "verified", "dispatched", "received", "replied"):
        make_appeal(status)
        make_appeal(status, where="shuiguo", unit="department")
    assert count() == few


def test_the_appeal_page_query_count_does_not_grow_with_the_timeline(make_appeal, people, client_for):
    client = client_for(people.center)
    short, long = make_appeal("dispatched"), make_appeal("closed")

    def count(pk):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/appeals/{pk}/").status_code == 200
        return len(captured)

    count(short.pk)
    assert count(long.pk) <= count(short.pk) + 1  # the closed page offers reopen, the other dispatch choices


def test_the_appeal_page_shows_the_timeline_and_only_allowed_actions(make_appeal, people, client_for):
    appeal = make_appeal("dispatched")
    page = client_for(people.zhongxin).get(f"/appeals/{appeal.pk}/").content.decode()
    assert 'data-form="sign"' in page and 'data-form="return"' in page
    assert 'data-form="verify"' not in page and 'data-form="dispatch"' not in page
    assert page.count('<li data-action="') == 3  # create, register, dispatch
    assert "138****5678" in page and "13812345678" not in page


def test_hotline_intake_takes_an_appeal_in_with_one_post(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    client = client_for(people.center)
    assert client.get("/appeals/hotline/").status_code == 200
    response = client.post(
        "/appeals/hotline/",
        {"reporter_phone": "13700001111", "reporter_name": "王五", "module": modules["sanitation"].pk,
         "priority": "urgent", "description": "楼道堆放杂物", "lon": lon, "lat": lat},
    )  # fmt: skip
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.source == Source.HOTLINE and appeal.priority == "urgent" and appeal.reporter_phone_masked


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"module": ""}, "Choose a service module"),
        ({"lon": "100", "lat": "30"}, "outside the district"),
        ({"lon": "", "lat": ""}, "Put the place on the map"),
        ({"description": "a\x00b"}, "NUL"),
    ],
)
def test_hotline_intake_refuses_bad_input_with_the_reason(people, modules, places, client_for, change, message):
    lon, lat = places["zhongxin"]
    data = {"module": modules["sanitation"].pk, "description": "x", "lon": lon, "lat": lat, **change}
    response = client_for(people.center).post("/appeals/hotline/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_street_officer_cannot_use_the_hotline_form(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    data = {"module": modules["sanitation"].pk, "description": "x", "lon": lon, "lat": lat}
    # The hotline form is not a street's section: it is not there for them.
    assert client_for(people.zhongxin).post("/appeals/hotline/", data).status_code == 404
    assert not Appeal.objects.exists()


def test_a_grid_manager_reports_from_the_phone_page_with_a_photo(
    people, modules, places, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    lon, lat = places["zhongxin"]
    client = client_for(people.grid_manager)
    assert client.get("/appeals/report/").status_code == 200
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    response = client.post(
        "/appeals/report/",
        {"source": "grid", "module": modules["sanitation"].pk, "description": "井盖缺失", "lon": lon, "lat": lat,
         "photos": [photo]},
    )  # fmt: skip
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.source == Source.GRID and appeal.photos.count() == 1
    assert appeal.pk in listed(client.get("/appeals/all/"))


def test_the_phone_page_refuses_a_file_that_is_not_an_image(people, modules, places, client_for):
    lon, lat = places["zhongxin"]
    fake = SimpleUploadedFile("p.jpg", b"MZ\x90\x00", content_type="image/jpeg")
    response = client_for(people.grid_manager).post(
        "/appeals/report/",
        {"source": "grid", "module": modules["sanitation"].pk, "description": "x", "lon": lon, "lat": lat,
         "photos": [fake]},
    )  # fmt: skip
    assert response.status_code == 400 and "not a JPEG" in response.content.decode()
    assert not Appeal.objects.exists()


def test_page_actions_walk_the_loop_and_refusals_come_back_as_messages(make_appeal, people, places, client_for):
    appeal = make_appeal("registered")
    center, street = client_for(people.center), client_for(people.zhongxin)
    unit = f"node:{places['zhongxin_street'].pk}"
    assert center.post(f"/appeals/{appeal.pk}/act/dispatch/", {"unit": unit}).status_code == 302
    response = street.post(f"/appeals/{appeal.pk}/act/verify/", follow=True)
    assert "cannot be given the action" in response.content.decode()
    street.post(f"/appeals/{appeal.pk}/act/sign/")
    street.post(f"/appeals/{appeal.pk}/act/reply/", {"reply": "已处理"})
    center.post(f"/appeals/{appeal.pk}/act/verify/")
    center.post(f"/appeals/{appeal.pk}/act/return_visit/", {"rating": "basic"})
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED and appeal.satisfaction == "basic"
    assert AppealEvent.objects.filter(appeal=appeal).count() == 7


def test_an_unknown_page_action_is_a_404(make_appeal, people, client_for):
    appeal = make_appeal("received")
    assert client_for(people.center).post(f"/appeals/{appeal.pk}/act/explode/").status_code == 404


def test_pages_are_in_chinese_by_default(make_appeal, people, client_for):
    appeal = make_appeal("dispatched")
    page = client_for(people.zhongxin, language="zh-hans").get(f"/appeals/{appeal.pk}/")
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode()


def unit_grid_outline(response) -> dict:
    import json
    import re

    found = re.search(r'<script id="unit-grid" type="application/json">(.*?)</script>', response.content.decode())
    assert found, "the page carries no unit grid outline"
    return json.loads(found.group(1))


def test_a_department_officer_gets_the_appeals_unit_grid_outline_with_the_page(make_appeal, people, client_for):
    appeal = make_appeal("in_progress", unit="department")
    client = client_for(people.department)
    outline = unit_grid_outline(client.get(f"/appeals/{appeal.pk}/"))
    assert outline["geometry"] == appeal.unit_grid.boundary
    assert outline["properties"] == {
        "id": appeal.unit_grid_id, "code": appeal.unit_grid.code, "name": appeal.unit_grid.name, "level": 4,
    }  # fmt: skip
    # Through the appeal only: the grid tree stays closed to the department.
    assert client.get(f"/api/grids/nodes/{appeal.unit_grid_id}/geojson/").status_code == 404


def test_an_appeal_the_user_may_not_see_gives_no_outline(make_appeal, people, client_for):
    appeal = make_appeal("dispatched", where="shuiguo", unit="department")
    response = client_for(people.zhongxin).get(f"/appeals/{appeal.pk}/")
    assert response.status_code == 404 and b"unit-grid" not in response.content
    assert unit_grid_outline(client_for(people.shuiguo).get(f"/appeals/{appeal.pk}/"))["id"] == appeal.unit_grid_id
