"""The dashboard page, the lists behind its figures and the statistics API: scoped, each figure's
link lists that many appeals, bad input a 400, constant queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.selectors import FIGURES
from grids.models import GridNode

pytestmark = pytest.mark.django_db


def _range(clock) -> str:
    return f"start={clock.today - datetime.timedelta(days=60):%Y-%m-%d}&end={clock.today:%Y-%m-%d}"


def test_the_center_lands_on_the_district_dashboard(busy_district, people, client_for):
    client = client_for(people.center)
    assert client.get("/").url == "/dashboard/"
    response = client.get("/dashboard/")
    assert response.status_code == 200
    district = GridNode.objects.get(level=0)
    assert f'data-node="{district.pk}"' in response.content.decode()


def test_every_figure_link_of_the_page_lists_as_many_appeals_as_it_shows(busy_district, people, client_for):
    client = client_for(people.center)
    html = client.get(f"/dashboard/?{_range(busy_district)}").content.decode()
    tiles = re.findall(r'data-figure="(\w+)"><a href="([^"]+)"><span class="kpi-value">(\d+)</span>', html)
    assert {name for name, _u, _v in tiles} >= {"received", "dispatched", "open", "overdue", "closed", "open_slips_red"}
    for name, url, value in tiles:
        page = client.get(url.replace("&amp;", "&")).content.decode()
        count = re.search(r'data-count="(\d+)"', page).group(1)
        assert count == value, name
        assert page.count('<tr data-appeal="') == min(int(value), 50), name
    # The ranking rows: a street's open appeals link to a list of as many.
    cells = re.findall(r'<td class="num"><a href="([^"]+)">(\d+)</a></td>', html)
    assert cells
    for url, value in cells:
        page = client.get(url.replace("&amp;", "&")).content.decode()
        assert re.search(r'data-count="(\d+)"', page).group(1) == value


def test_clicking_a_street_shows_the_same_page_one_level_down(busy_district, people, client_for, streets):
    client = client_for(people.center)
    html = client.get(f"/dashboard/?{_range(busy_district)}").content.decode()
    zhongxin = streets["中心街街道"]
    assert f'data-node="{zhongxin.pk}"' in html
    street_page = client.get(f"/dashboard/?node={zhongxin.pk}&{_range(busy_district)}").content.decode()
    community = zhongxin.get_children().order_by("code").first()
    assert f'data-node="{community.pk}"' in street_page


def test_a_street_officer_sees_only_their_street(busy_district, people, client_for, streets):
    client = client_for(people.zhongxin)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert f'data-node="{streets["中心街街道"].pk}"' in response.content.decode()
    assert client.get(f"/dashboard/?node={streets['税郭镇'].pk}").status_code == 404
    assert client.get(f"/dashboard/list/?figure=open&node={streets['税郭镇'].pk}").status_code == 404
    assert client.get("/").url == "/appeals/queue/"  # the queue stays the street's landing


def test_roles_without_a_dashboard_do_not_find_one(people, client_for):
    for user in (people.grid_manager, people.nobody, people.auditor):
        assert client_for(user).get("/dashboard/").status_code == 404
        assert client_for(user).get("/api/stats/summary/").status_code == 404


def test_bad_dates_and_figures_are_a_clear_400(people, client_for):
    client = client_for(people.center)
    for query in ("start=2026-02-30", "start=2026-03-01&end=2026-02-01", "start=9999-01-01", "start=x"):
        response = client.get(f"/dashboard/?{query}")
        assert response.status_code == 400, query
        api = client.get(f"/api/stats/summary/?{query}")
        assert api.status_code == 400, query
        assert api.json()["detail"]
    assert client.get("/dashboard/list/?figure=nope").status_code == 400
    assert client.get("/api/stats/summary/?node=abc").status_code == 400


def test_the_summary_api_returns_the_figures_of_a_node_in_scope(busy_district, people, client_for, streets):
    client = client_for(people.center)
    zhongxin = streets["中心街街道"]
    data = client.get(f"/api/stats/summary/?node={zhongxin.pk}&{_range(busy_district)}").json()
    for key in ("received", "dispatched", "open", "overdue", "closed", "on_time_rate", "satisfaction_rate"):
        assert key in data, key
    assert data["node"]["id"] == zhongxin.pk
    assert set(data["slips"]) == {"blue", "yellow", "orange", "red"}
    assert data["slips"]["yellow"] == 1 and data["slips"]["blue"] == 0
    assert data["received"] == 14
    officer = client_for(people.zhongxin)
    assert officer.get(f"/api/stats/summary/?node={zhongxin.pk}&{_range(busy_district)}").json() == data
    assert officer.get(f"/api/stats/summary/?node={streets['税郭镇'].pk}").status_code == 404


def test_the_summary_api_is_in_the_openapi_schema(people, client_for):
    schema = client_for(people.center).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/stats/summary/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"node", "start", "end"}
    body = schema["components"]["schemas"]["StatsSummary"]["properties"]
    assert {"received", "on_time_rate", "satisfaction_rate", "slips"} <= set(body)


def test_the_page_and_the_api_take_a_constant_number_of_queries(busy_district, people, client_for, make_appeal):
    client = client_for(people.center)
    client.get("/dashboard/")  # warm the session and the scope
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as page:
            assert client.get(f"/dashboard/?{_range(busy_district)}").status_code == 200
        with CaptureQueriesContext(connection) as api:
            client.get(f"/api/stats/summary/?{_range(busy_district)}")
        with CaptureQueriesContext(connection) as listing:
            client.get(f"/dashboard/list/?figure=open&{_range(busy_district)}")
        counts.append((len(page), len(api), len(listing)))
        for where in ("zhongxin", "shuiguo"):
            make_appeal("closed", where=where)
    assert counts[0] == counts[1]
    assert counts[0][1] <= 8


def test_every_figure_has_a_definition_in_the_docs():
    from pathlib import Path

    text = Path(__file__).resolve().parents[2].joinpath("docs", "dashboard.md").read_text()
    for figure in FIGURES:
        stem = re.sub(r"_(hotline|visit|grid|web|open311)$", "_<source>", figure.name)
        stem = re.sub(r"_(blue|yellow|orange|red)$", "_<colour>", stem)
        assert f"`{stem}`" in text, figure.name
