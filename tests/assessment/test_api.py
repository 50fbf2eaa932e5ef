"""The assessment API: periods, unit and staff scores (scoped, paginated, a constant number of
queries), and the score and recompute actions that call the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Period, PeriodStatus, ScoringRun
from tests.assessment.scored import more_rows

URLS = [
    "/api/assessment/periods/",
    "/api/assessment/unit-scores/?period={label}",
    "/api/assessment/unit-scores/?period={label}&kind=community",
    "/api/assessment/staff-scores/?period={label}",
    "/api/assessment/staff-scores/?period={label}&role=grid_assistant",
]


def names(client, url: str) -> list[str]:
    body = client.get(url).json()
    assert body["count"] == len(body["results"])
    return [row["name"] for row in body["results"]]


def test_the_periods_endpoint_lists_the_scored_period_with_its_run(client_for, people, scored):
    body = client_for(people.zhongxin).get("/api/assessment/periods/").json()
    (period,) = body["results"]
    assert (period["label"], period["status"], period["rules"]) == (scored.label, "closed", "2000-01-01")
    assert period["current_run"]["number"] == 1 and period["current_run"]["computed_by"] is None
    runs = client_for(people.zhongxin).get(f"/api/assessment/periods/{scored.label}/runs/").json()
    assert [r["number"] for r in runs] == [1]


def test_the_bureau_sees_every_units_score_with_counts_rates_and_rank(client_for, people, scored):
    body = client_for(people.bureau).get(f"/api/assessment/unit-scores/?period={scored.label}&kind=street").json()
    rows = {r["name"]: r for r in body["results"]}
    assert set(rows) == {"中心街街道", "税郭镇"}
    zhongxin = rows["中心街街道"]
    assert (zhongxin["handled"], zhongxin["completed"], zhongxin["yellow"], zhongxin["score"], zhongxin["rank"]) == (
        3,
        2,
        1,
        "79.80",
        1,
    )
    assert zhongxin["rates"]["on_time_rate"] == "0.6667" and zhongxin["period"] == scored.label


def test_a_street_officer_sees_only_its_street_its_communities_and_their_staff(client_for, people, places, scored):
    client = client_for(people.zhongxin)
    units = names(client, f"/api/assessment/unit-scores/?period={scored.label}")
    assert sorted(units) == sorted(["中心街街道", places["zhongxin_community"].name])
    assert names(client, f"/api/assessment/staff-scores/?period={scored.label}&role=grid_manager") == [
        people.grid_manager.name
    ]
    other = client_for(people.shuiguo)
    assert names(other, f"/api/assessment/unit-scores/?period={scored.label}") == ["税郭镇"]
    assert names(other, f"/api/assessment/staff-scores/?period={scored.label}") == []
    zhongxin = scored.unit("street", places["zhongxin_street"])
    assert other.get(f"/api/assessment/unit-scores/{zhongxin.pk}/").status_code == 404
    manager = scored.run.staff_scores.get(user=people.grid_manager)
    assert other.get(f"/api/assessment/staff-scores/{manager.pk}/").status_code == 404
    assert client.get(f"/api/assessment/staff-scores/{manager.pk}/").status_code == 200


def test_a_department_sees_only_its_own_score(client_for, people, scored):
    client = client_for(people.department)
    assert names(client, f"/api/assessment/unit-scores/?period={scored.label}") == ["区民政局"]
    assert names(client, f"/api/assessment/staff-scores/?period={scored.label}") == []


def test_a_grid_assistant_sees_only_their_own_staff_score(client_for, people, scored):
    assert names(client_for(people.assistant), f"/api/assessment/staff-scores/?period={scored.label}") == [
        people.assistant.name
    ]


def test_the_period_defaults_to_the_latest_month_and_bad_parameters_are_refused(client_for, people, scored):
    client = client_for(people.bureau)
    assert client.get("/api/assessment/unit-scores/").json()["count"] == scored.run.unit_scores.count()
    assert client.get("/api/assessment/unit-scores/?period=May").status_code == 400
    assert client.get("/api/assessment/unit-scores/?period=2001-01").status_code == 404  # never scored
    assert client.get("/api/assessment/unit-scores/?period=1999-01").status_code == 400  # before GRIDGOV_YEARS
    assert client.get(f"/api/assessment/unit-scores/?period={scored.label}&kind=planet").status_code == 400
    assert client.get(f"/api/assessment/staff-scores/?period={scored.label}&role=admin").status_code == 400


@pytest.mark.parametrize("url", URLS)
def test_the_list_endpoints_take_the_same_queries_however_many_rows(client_for, people, scored, url):
    client = client_for(people.bureau)
    url = url.format(label=scored.label)
    client.get(url)  # session and scope warm-up
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more_rows(scored.run)
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).json()
    assert len(more.captured_queries) == len(few.captured_queries)
    if "scores" in url:
        assert body["count"] >= 3


def test_a_street_officer_may_not_recompute_and_nothing_changes(client_for, people, scored):
    response = client_for(people.zhongxin).post(
        f"/api/assessment/periods/{scored.label}/recompute/", {"reason": "数据有误"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert ScoringRun.objects.count() == 1


def test_the_bureau_recomputes_through_the_api_into_run_two(client_for, people, scored):
    response = client_for(people.bureau).post(
        f"/api/assessment/periods/{scored.label}/recompute/", {"reason": "数据有误"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["current_run"]["number"] == 2 and response.json()["current_run"]["computed_by"] == "bureau"
    missing = client_for(people.bureau).post(
        f"/api/assessment/periods/{scored.label}/recompute/", {"reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 400 and ScoringRun.objects.count() == 2


def test_the_bureau_scores_an_ended_period_and_a_street_officer_may_not(client_for, people, rules):
    refused = client_for(people.zhongxin).post(
        "/api/assessment/periods/score/", {"period": "2020-01"}, content_type="application/json"
    )
    assert refused.status_code == 403 and not Period.objects.filter(status=PeriodStatus.CLOSED).exists()
    response = client_for(people.bureau).post(
        "/api/assessment/periods/score/", {"period": "2020-01"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["status"] == "closed"
    again = client_for(people.bureau).post(
        "/api/assessment/periods/score/", {"period": "2020-01"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_scores_cannot_be_written_through_the_api(client_for, people, places, scored):
    zhongxin = scored.unit("street", places["zhongxin_street"])
    client = client_for(people.bureau)
    assert client.patch(f"/api/assessment/unit-scores/{zhongxin.pk}/", {"score": "100"}).status_code == 405
    assert client.delete(f"/api/assessment/periods/{scored.label}/").status_code == 405
