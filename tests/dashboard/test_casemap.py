"""The case map's endpoint (/api/stats/case-map/) and page: its counts are the open appeals in
the box, the scope and the filters, whether as points or as database clusters; nothing out of
scope appears; bad input is a 400; a constant number of queries; no inline script."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import casemap, selectors
from grids.models import GridNode, Level
from petitions.models import Appeal, Colour

pytestmark = pytest.mark.django_db

API = "/api/stats/case-map/"


def _bbox(node: GridNode, pad: float = 0.01) -> str:
    return f"{node.min_lon - pad},{node.min_lat - pad},{node.max_lon + pad},{node.max_lat + pad}"


def _around(lon: float, lat: float, r: float = 0.0005) -> str:
    return f"{lon - r},{lat - r},{lon + r},{lat + r}"


def _ids(data: dict) -> set[int]:
    return {p["id"] for p in data.get("points", [])}


def test_the_district_at_low_zoom_is_clusters_that_add_up_to_the_open_appeals(busy_district, people, client_for):
    district = GridNode.objects.get(level=Level.DISTRICT)
    data = client_for(people.center).get(f"{API}?bbox={_bbox(district)}&zoom=11").json()
    expected = Appeal.objects.open().count()
    assert expected > 10
    assert data["mode"] == "clusters"
    assert data["count"] == sum(c["count"] for c in data["clusters"]) == expected
    # The same number as the dashboard's "open" figure of the district.
    period = selectors.period_for("today", now=busy_district.now)
    assert data["count"] == selectors.summary(people.center, district, period)["open"]
    # Each cluster's colours add up to it, and it wears the worst of them.
    for c in data["clusters"]:
        assert sum(c["colours"].values()) == c["count"]
    red = [c for c in data["clusters"] if c["colours"]["red"]]
    assert red and all(c["colour"] == "red" for c in red)


def test_zoomed_in_the_map_lists_each_open_appeal_in_the_box_as_a_point(busy_district, people, client_for, places):
    lon, lat = places["zhongxin"]
    data = client_for(people.center).get(f"{API}?bbox={_around(lon, lat)}&zoom=17").json()
    expected = set(
        Appeal.objects.open()
        .filter(lon__gte=lon - 0.0005, lon__lte=lon + 0.0005, lat__gte=lat - 0.0005, lat__lte=lat + 0.0005)
        .values_list("pk", flat=True)
    )
    assert data["mode"] == "points"
    assert _ids(data) == expected and data["count"] == len(expected) > 0
    # No appeal of the other street (another point) is in this box.
    assert not Appeal.objects.filter(pk__in=_ids(data), street=places["shuiguo_street"]).exists()
    point = next(p for p in data["points"] if p["colour"] == "red")
    assert point["url"] == f"/appeals/{point['id']}/"
    assert set(point) >= {"module", "status", "address", "created_at", "deadline"}


def test_a_street_officer_never_sees_another_streets_appeals_on_the_map(busy_district, people, client_for, streets):
    district = GridNode.objects.get(level=Level.DISTRICT)
    zhongxin, shuiguo = streets["中心街街道"], streets["税郭镇"]
    client = client_for(people.zhongxin)
    visible = Appeal.objects.visible_to(people.zhongxin).open()
    clusters = client.get(f"{API}?bbox={_bbox(district)}&zoom=11").json()
    assert clusters["count"] == visible.count() > 0
    assert clusters["count"] < Appeal.objects.open().count()
    points = client.get(f"{API}?bbox={_bbox(district)}&zoom=16").json()
    assert points["mode"] == "points"
    assert _ids(points) == set(visible.values_list("pk", flat=True))
    assert not Appeal.objects.filter(pk__in=_ids(points), street=shuiguo).exists()
    # Their street's map; the other street's is a 404, as on the dashboard.
    assert client.get(f"{API}?bbox={_bbox(zhongxin)}&zoom=16&node={zhongxin.pk}").status_code == 200
    assert client.get(f"{API}?bbox={_bbox(district)}&zoom=11&node={shuiguo.pk}").status_code == 404
    assert client.get(f"/dashboard/map/?node={shuiguo.pk}").status_code == 404


def test_a_node_narrows_the_map_to_its_appeals(busy_district, people, client_for, streets):
    district = GridNode.objects.get(level=Level.DISTRICT)
    shuiguo = streets["税郭镇"]
    data = client_for(people.center).get(f"{API}?bbox={_bbox(district)}&zoom=16&node={shuiguo.pk}").json()
    assert _ids(data) == set(Appeal.objects.open().filter(street=shuiguo).values_list("pk", flat=True))


def test_the_filters_narrow_the_counts_to_the_matching_open_appeals(busy_district, people, client_for, modules):
    district = GridNode.objects.get(level=Level.DISTRICT)
    client = client_for(people.center)
    base = f"{API}?bbox={_bbox(district)}&zoom=11"
    open_ = Appeal.objects.open()
    now = busy_district.now
    cases = {
        "colour=red": open_.filter(colour=Colour.RED),
        "colour=none": open_.filter(colour=""),
        "source=hotline": open_.filter(source="hotline"),
        "source=web": open_.filter(source="web"),
        f"module={modules['civil-affairs'].pk}": open_.filter(module=modules["civil-affairs"]),
        "age=day": open_.filter(created_at__gt=now - casemap.datetime.timedelta(days=1)),
        "age=older": open_.filter(created_at__lte=now - casemap.datetime.timedelta(days=30)),
        "age=month": open_.filter(created_at__gt=now - casemap.datetime.timedelta(days=30)),
    }
    for query, qs in cases.items():
        assert client.get(f"{base}&{query}").json()["count"] == qs.count(), query
    assert cases["colour=red"].count() > 0 and cases["colour=none"].count() > 0
    assert cases["age=month"].count() > 0


def test_bad_map_input_is_a_clear_400(people, client_for):
    client = client_for(people.center)
    good = "bbox=117.4,34.7,117.7,35.0&zoom=12"
    for query in (
        "zoom=12",
        "bbox=1,2,3&zoom=12",
        "bbox=117.7,34.7,117.4,35.0&zoom=12",
        "bbox=117.4,34.7,117.7,35.0",
        "bbox=117.4,34.7,117.7,35.0&zoom=x",
        "bbox=117.4,34.7,117.7,35.0&zoom=40",
        f"{good}&colour=green",
        f"{good}&age=ancient",
        f"{good}&source=fax",
        f"{good}&module=abc",
        f"{good}&node=abc",
    ):
        response = client.get(f"{API}?{query}")
        assert response.status_code == 400, query
        assert response.json()["detail"], query


def test_roles_without_a_dashboard_have_no_case_map(people, client_for):
    for user in (people.grid_manager, people.auditor):
        assert client_for(user).get(f"{API}?bbox=117.4,34.7,117.7,35.0&zoom=12").status_code == 404
        assert client_for(user).get("/dashboard/map/").status_code == 404


def test_the_map_takes_a_constant_number_of_queries(busy_district, people, client_for, make_appeal):
    district = GridNode.objects.get(level=Level.DISTRICT)
    client = client_for(people.center)
    client.get(f"{API}?bbox={_bbox(district)}&zoom=11")  # warm the session
    counts = []
    for _round in range(2):
        row = []
        for zoom in (11, 17):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{API}?bbox={_bbox(district)}&zoom={zoom}").status_code == 200
            row.append(len(queries))
        counts.append(row)
        for where in ("zhongxin", "shuiguo"):
            make_appeal("dispatched", where=where)
    assert counts[0] == counts[1]


def test_past_the_point_limit_a_zoomed_in_map_is_clusters_again(busy_district, people, client_for, monkeypatch):
    monkeypatch.setattr(casemap, "MAX_POINTS", 3)
    district = GridNode.objects.get(level=Level.DISTRICT)
    data = client_for(people.center).get(f"{API}?bbox={_bbox(district)}&zoom=17").json()
    assert data["mode"] == "clusters"
    assert data["count"] == Appeal.objects.open().count()


def test_the_case_map_is_in_the_openapi_schema(people, client_for):
    schema = client_for(people.center).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/stats/case-map/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"bbox", "zoom", "node", "module", "source", "age", "colour"}
    assert {"mode", "count", "clusters", "points"} <= set(schema["components"]["schemas"]["CaseMap"]["properties"])


def test_the_map_page_has_its_filters_and_no_inline_script_or_style(busy_district, people, client_for, modules):
    html = client_for(people.center).get("/dashboard/map/").content.decode()
    assert 'id="casemap"' in html and 'id="casemap-config"' in html
    for name in ("module", "source", "age", "colour"):
        assert f'name="{name}"' in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert ' style="' not in html


def test_the_dashboard_links_to_the_map_of_its_node(busy_district, people, client_for, streets):
    zhongxin = streets["中心街街道"]
    html = client_for(people.center).get(f"/dashboard/?node={zhongxin.pk}").content.decode()
    assert f'href="/dashboard/map/?node={zhongxin.pk}" data-map="{zhongxin.pk}"' in html
    page = client_for(people.center).get(f"/dashboard/map/?node={zhongxin.pk}").content.decode()
    assert f'<h1 data-node="{zhongxin.pk}">' in page
