"""The wall screen's page and its data: the center's and the bureau's, masked, a fixed number of
queries, refreshed from JSON."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import selectors

pytestmark = pytest.mark.django_db


def test_the_wall_shows_today_the_most_overdue_and_the_newest_masked(busy_district, people, client_for, make_appeal):
    make_appeal("received", phone="13912345678")
    client = client_for(people.center)
    page = client.get("/wall/")
    assert page.status_code == 200
    assert 'id="wall-data"' in page.content.decode()
    data = client.get("/wall/data/").json()
    assert data["today"]["received"] == 1
    node = selectors.dashboard_node(people.center, None)
    period = selectors.period_for("today")
    assert data["today"]["overdue"] == selectors.figure_appeals(people.center, node, period, "overdue").count()
    assert len(data["overdue"]) == min(10, data["today"]["overdue"])
    hours = [row["hours"] for row in data["overdue"]]
    assert hours == sorted(hours, reverse=True)
    newest = data["newest"][0]
    assert newest["reporter"].startswith("张") and newest["reporter"] != "张三"
    assert "13912345678" not in str(data)
    assert {r["name"] for r in data["ranking"]} == {"中心街街道", "税郭镇"}


def test_only_the_center_and_the_bureau_have_a_wall(people, client_for):
    for user in (people.center, people.bureau):
        assert client_for(user).get("/wall/").status_code == 200
    for user in (people.zhongxin, people.department, people.grid_manager, people.nobody):
        assert client_for(user).get("/wall/").status_code == 404
        assert client_for(user).get("/wall/data/").status_code == 404


def test_the_walls_data_takes_a_fixed_number_of_queries(busy_district, people, client_for, make_appeal):
    client = client_for(people.center)
    client.get("/wall/data/")
    sizes = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get("/wall/data/")
        sizes.append(len(queries))
        for _i in range(3):
            make_appeal("in_progress")
    assert sizes[0] == sizes[1]
