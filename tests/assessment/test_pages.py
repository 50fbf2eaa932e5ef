"""The assessment pages: rankings by level, scorecards that explain themselves down to the
appeals behind each count, the rules page, scoring and recomputation, the export. Each page is
scoped: a street sees its street, its communities and their staff; a department itself."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.charts import line_chart
from assessment.explain import DRILLABLE
from assessment.models import Period, PeriodStatus, RuleSet, ScoringRun
from tests.assessment.scored import more_rows, workbook
from tests.xlsx_cells import HOSTILE, formula_cells, text_values


def rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'data-{attribute}="([^"]+)"', html)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


# Rankings


def test_the_bureau_sees_every_street_ranked_with_a_link_to_each_scorecard(client_for, people, places, scored):
    html = client_for(people.bureau).get(f"/assessment/?period={scored.label}&level=street").content.decode()
    zhongxin, shuiguo = (scored.unit("street", places[f"{w}_street"]) for w in ("zhongxin", "shuiguo"))
    assert rows(html, "score") == [str(s.pk) for s in sorted([zhongxin, shuiguo], key=lambda s: s.rank)]
    assert scored.unit_url("street", places["zhongxin_street"]) in html
    assert scored.unit_url("street", places["shuiguo_street"]) in html
    assert f"{scored.label}, run 1" in html and "system default rules" in html


def test_the_rankings_default_to_the_latest_closed_month(client_for, people, scored):
    response = client_for(people.bureau).get("/assessment/")
    assert response.context["period"] == scored.period and response.context["level"] == "street"


def test_a_street_officer_sees_its_own_street_and_communities_but_not_another_streets(
    client_for, people, places, scored
):
    client = client_for(people.zhongxin)
    streets = rows(client.get(f"/assessment/?period={scored.label}&level=street").content.decode(), "score")
    assert streets == [str(scored.unit("street", places["zhongxin_street"]).pk)]
    communities = rows(client.get(f"/assessment/?period={scored.label}&level=community").content.decode(), "score")
    assert communities == [str(scored.unit("community", places["zhongxin_community"]).pk)]
    managers = client.get(f"/assessment/?period={scored.label}&level=grid_manager").content.decode()
    assert rows(managers, "score") == [str(scored.run.staff_scores.get(user=people.grid_manager).pk)]
    other = client_for(people.shuiguo).get(f"/assessment/?period={scored.label}&level=grid_manager").content.decode()
    assert rows(other, "score") == []


def test_a_department_sees_only_its_own_row(client_for, people, places, scored):
    client = client_for(people.department)
    response = client.get(f"/assessment/?period={scored.label}")
    assert response.context["level"] == "department"
    assert rows(response.content.decode(), "score") == [str(scored.unit("department", places["civil"]).pk)]
    assert rows(client.get(f"/assessment/?period={scored.label}&level=street").content.decode(), "score") == []


def test_a_grid_manager_sees_their_own_score(client_for, people, scored):
    response = client_for(people.grid_manager).get(f"/assessment/?period={scored.label}")
    mine = scored.run.staff_scores.get(user=people.grid_manager)
    assert response.context["level"] == "grid_manager"
    assert rows(response.content.decode(), "score") == [str(mine.pk)]


@pytest.mark.parametrize("level", ["street", "community", "department", "grid_manager", "grid_assistant"])
def test_the_rankings_take_the_same_queries_however_many_units_or_staff(client_for, people, scored, level):
    client = client_for(people.bureau)
    url = f"/assessment/?period={scored.label}&level={level}"
    client.get(url)  # session and scope warm-up
    before = queries(client, url)
    more_rows(scored.run)
    assert queries(client, url) == before


def test_an_unknown_period_or_level_is_a_404(client_for, people, scored):
    client = client_for(people.bureau)
    assert client.get("/assessment/?period=1999-01").status_code == 404
    assert client.get(f"/assessment/?period={scored.label}&level=planet").status_code == 404


def test_with_nothing_scored_the_bureau_is_offered_the_score_form_and_a_street_is_not(client_for, people, rules):
    html = client_for(people.bureau).get("/assessment/").content.decode()
    assert 'id="nothing-scored"' in html and 'id="score"' in html
    html = client_for(people.zhongxin).get("/assessment/").content.decode()
    assert 'id="nothing-scored"' in html and 'id="score"' not in html


def test_the_trend_chart_draws_each_levels_average(client_for, people, scored):
    html = client_for(people.bureau).get(f"/assessment/?period={scored.label}").content.decode()
    names = re.search(r'data-series-names="([^"]*)"', html).group(1).split("|")
    assert "data-chart-line=" in html and "Street" in names and "Grid manager" in names
    assert "echarts-6.1.0.min.js" in html and "gridgov/charts.js" in html


def test_a_chart_breaks_its_line_where_a_period_has_no_score():
    chart = line_chart({"a": [("2026-01", 100), ("2026-02", None), ("2026-03", 0), ("2026-04", 50)]})
    # A null is a gap: ECharts draws the line in two pieces (connectNulls is off in charts.js).
    assert json.loads(chart.as_json()) == {
        "labels": ["2026-01", "2026-02", "2026-03", "2026-04"],
        "series": [{"name": "a", "data": [100, None, 0, 50]}],
        "min": 0,
        "max": 100,
    }
    assert line_chart({"a": [("2026-01", None)]}).empty


# Unit scorecards and the appeals behind each count


def test_a_units_scorecard_writes_out_the_formula_every_count_the_terms_and_the_rank(
    client_for, people, places, scored
):
    street = scored.unit("street", places["zhongxin_street"])
    response = client_for(people.bureau).get(scored.unit_url("street", places["zhongxin_street"]))
    html = response.content.decode()
    assert (street.handled, street.completed, street.yellow) == (3, 2, 1)
    # 40 × 2/3 + 20 × 2/3 + 30 × 1 + 10 × 1 − 0.2 × 1 = 79.80
    assert street.score == Decimal("79.80")
    assert "40 × on-time rate + 20 × completion rate + 30 × satisfaction rate" in html
    assert "0.2 × yellow slips" in html
    assert 'id="total">79.80<' in html and "rank 1 of 2" in html  # 税郭镇: 70
    assert rows(html, "count") == list(DRILLABLE_ORDER)
    for name in DRILLABLE_ORDER:
        assert scored.unit_url("street", places["zhongxin_street"], f"appeals/{name}/") in html
    assert "66.7%" in html  # the on-time and completion rates
    points = {str(t.name): t.points for t in response.context["terms"]}
    assert points["On-time completion"].quantize(Decimal("0.01")) == Decimal("26.67")
    assert points["Yellow slips"] == Decimal("-0.2") and response.context["raw_total"].quantize(Decimal("0.01")) == (
        street.score
    )
    terms = html[html.find('id="terms"') : html.find('id="counts"')]
    assert "on time 2 / handled 3" in terms
    assert "1 − reworked 0 / handled 3" in terms
    assert "yellow slips 1" in terms and "26.67" in terms and "79.80 → 79.80" in terms


DRILLABLE_ORDER = (
    "handled",
    "completed",
    "on_time",
    "rated",
    "satisfied",
    "reworked",
    "return_visited",
    "extensions",
    "blue",
    "yellow",
    "orange",
    "red",
)


@pytest.mark.parametrize("count", DRILLABLE_ORDER)
def test_the_appeals_behind_a_count_are_exactly_that_many(client_for, people, places, scored, count):
    assert count in DRILLABLE
    for kind, unit in (("street", places["zhongxin_street"]), ("department", places["civil"])):
        stored = getattr(scored.unit(kind, unit), count)
        html = client_for(people.bureau).get(scored.unit_url(kind, unit, f"appeals/{count}/")).content.decode()
        assert len(rows(html, "appeal")) == stored, (kind, count)
        assert 'id="differs"' not in html
    for pk in rows(html, "appeal"):
        assert f'href="/appeals/{pk}/"' in html


def test_the_appeals_list_of_a_count_takes_the_same_queries_however_many_appeals(
    client_for, people, places, scored, make_appeal
):
    client = client_for(people.bureau)
    url = scored.unit_url("street", places["zhongxin_street"], "appeals/handled/")
    client.get(url)
    before = queries(client, url)
    for _ in range(3):
        make_appeal("closed", unit="street")
    assert queries(client, url) == before
    # The score keeps its run's numbers; the page says the appeals have changed since.
    assert 'id="differs"' in client.get(url).content.decode()


def test_an_unknown_count_is_a_404(client_for, people, places, scored):
    url = scored.unit_url("street", places["zhongxin_street"], "appeals/score/")
    assert client_for(people.bureau).get(url).status_code == 404


def test_a_street_officer_cannot_open_another_streets_scorecard_or_its_appeals(client_for, people, places, scored):
    client = client_for(people.zhongxin)
    assert client.get(scored.unit_url("street", places["zhongxin_street"])).status_code == 200
    assert client.get(scored.unit_url("community", places["zhongxin_community"])).status_code == 200
    assert client.get(scored.unit_url("street", places["shuiguo_street"])).status_code == 404
    assert client.get(scored.unit_url("street", places["shuiguo_street"], "appeals/handled/")).status_code == 404
    assert client.get(scored.unit_url("department", places["civil"])).status_code == 404


def test_a_department_opens_only_its_own_scorecard(client_for, people, places, scored):
    client = client_for(people.department)
    assert client.get(scored.unit_url("department", places["civil"])).status_code == 200
    assert client.get(scored.unit_url("department", places["civil"], "appeals/completed/")).status_code == 200
    assert client.get(scored.unit_url("street", places["zhongxin_street"])).status_code == 404


# Staff scorecards


def test_a_grid_managers_scorecard_shows_the_counts_rates_and_the_reports_behind_them(client_for, people, scored):
    score = scored.run.staff_scores.get(user=people.grid_manager)
    assert score.reports == 1
    client = client_for(people.zhongxin)
    html = client.get(f"/assessment/{scored.label}/staff/{score.pk}/").content.decode()
    assert "40 × visit coverage + 20 × reports filed + 20 × response time + 20 × diary" in html
    assert f'id="total">{score.score}<' in html
    assert f"/assessment/{scored.label}/staff/{score.pk}/reports/" in html
    reports = client.get(f"/assessment/{scored.label}/staff/{score.pk}/reports/").content.decode()
    assert len(rows(reports, "appeal")) == 1


def test_the_reports_behind_a_grid_managers_count_take_the_same_queries_however_many(
    client_for, people, places, modules, scored
):
    from petitions import services as appeals
    from petitions.models import Source

    score = scored.run.staff_scores.get(user=people.grid_manager)
    url = f"/assessment/{scored.label}/staff/{score.pk}/reports/"
    client = client_for(people.bureau)
    client.get(url)
    before = queries(client, url)
    lon, lat = places["zhongxin"]
    for _ in range(3):
        appeals.appeal_create(
            actor=people.grid_manager, source=Source.GRID, module=modules["civil-affairs"], description="井盖缺失",
            lon=lon, lat=lat,
        )  # fmt: skip
    assert queries(client, url) == before
    assert len(rows(client.get(url).content.decode(), "appeal")) == 4


def test_another_street_and_a_department_cannot_open_a_grid_managers_scorecard(client_for, people, scored):
    score = scored.run.staff_scores.get(user=people.grid_manager)
    for user in (people.shuiguo, people.department, people.assistant):
        client = client_for(user)
        assert client.get(f"/assessment/{scored.label}/staff/{score.pk}/").status_code == 404
        assert client.get(f"/assessment/{scored.label}/staff/{score.pk}/reports/").status_code == 404
    assert client_for(people.grid_manager).get(f"/assessment/{scored.label}/staff/{score.pk}/").status_code == 200


# Rules


def test_the_rules_page_lists_the_rule_sets_newest_first(client_for, people, rules, scored):
    client = client_for(people.bureau)
    client.post("/assessment/rules/", {**rule_values(), "effective_from": "2099-01-01"})
    html = client.get("/assessment/rules/").content.decode()
    assert rows(html, "rules") == ["2099-01-01", "2000-01-01"]
    assert 'id="rule-form"' in html
    assert 'id="rule-form"' not in client_for(people.zhongxin).get("/assessment/rules/").content.decode()


def rule_values(**changes) -> dict:
    values = {
        "on_time": "40", "completion": "20", "satisfaction": "30", "no_rework": "10",
        "yellow": "0.2", "orange": "0.5", "red": "1",
        "visit_coverage": "40", "reports": "20", "response": "20", "diary": "20",
        "visit_share": "0.25", "reports_target": "4", "response_hours": "72", "diary_target": "20",
        "note": "",
    }  # fmt: skip
    return {**values, **changes}


def test_the_bureau_adds_a_rule_set_that_takes_effect_later(client_for, people, rules):
    response = client_for(people.bureau).post(
        "/assessment/rules/", rule_values(effective_from="2099-01-01", on_time="50", completion="10")
    )
    assert response.status_code == 302
    new = RuleSet.objects.get(effective_from="2099-01-01")
    assert (new.on_time, new.completion, new.created_by) == (50, 10, people.bureau)


def test_weights_that_do_not_add_up_are_refused_on_the_form_and_nothing_is_saved(client_for, people, rules):
    response = client_for(people.bureau).post(
        "/assessment/rules/", rule_values(effective_from="2099-01-01", on_time="50")
    )
    assert response.status_code == 200
    assert "add up to 110.00; they must add up to 100" in response.content.decode()
    assert list(RuleSet.objects.values_list("effective_from", flat=True)) == [rules.effective_from]


def test_rules_reaching_into_a_scored_period_are_refused_and_nothing_is_saved(client_for, people, scored):
    response = client_for(people.bureau).post(
        "/assessment/rules/", rule_values(effective_from=scored.period.start.isoformat())
    )
    assert "is already scored" in response.content.decode()
    assert RuleSet.objects.count() == 1


def test_a_street_officer_may_not_add_rules(client_for, people, rules):
    client = client_for(people.zhongxin)
    for post in (rule_values(effective_from="2099-01-01"), {"effective_from": "not a date"}):
        response = client.post("/assessment/rules/", post)
        assert response.status_code == 403 and "may not change the scoring rules" in response.content.decode()
    assert RuleSet.objects.count() == 1


def test_the_rules_page_takes_the_same_queries_however_many_rule_sets(client_for, people, rules):
    client = client_for(people.bureau)
    client.get("/assessment/rules/")
    before = queries(client, "/assessment/rules/")
    for year in (2097, 2098, 2099):
        client.post("/assessment/rules/", rule_values(effective_from=f"{year}-01-01"))
    assert RuleSet.objects.count() == 4
    assert queries(client, "/assessment/rules/") == before


# Scoring and recomputation


def test_the_bureau_scores_an_ended_period_from_the_page(client_for, people, rules):
    response = client_for(people.bureau).post("/assessment/score/", {"period": "2020-01"})
    assert response.status_code == 302 and "period=2020-01" in response["Location"]
    assert Period.objects.get(label="2020-01").status == PeriodStatus.CLOSED


def test_a_street_officer_may_not_score_a_period(client_for, people, rules):
    response = client_for(people.zhongxin).post("/assessment/score/", {"period": "2020-01"})
    assert response.status_code == 403
    assert not ScoringRun.objects.exists()


def test_a_street_officer_neither_sees_nor_may_use_the_recompute_form(client_for, people, scored):
    client = client_for(people.zhongxin)
    assert 'id="recompute"' not in client.get(f"/assessment/?period={scored.label}").content.decode()
    response = client.post(f"/assessment/{scored.label}/recompute/", {"reason": "数据有误"})
    assert response.status_code == 403 and "may not recompute a closed period" in response.content.decode()
    scored.period.refresh_from_db()
    assert scored.period.current_run == scored.run and ScoringRun.objects.count() == 1


def test_the_bureau_recomputes_with_a_reason_into_run_two_and_the_history_shows_both(client_for, people, scored):
    client = client_for(people.bureau)
    assert 'id="recompute"' in client.get(f"/assessment/?period={scored.label}").content.decode()
    response = client.post(f"/assessment/{scored.label}/recompute/", {"reason": "数据有误"}, follow=True)
    scored.period.refresh_from_db()
    run = scored.period.current_run
    assert (run.number, run.reason, run.computed_by) == (2, "数据有误", people.bureau)
    html = response.content.decode()
    assert f"{scored.label}, run 2" in html and "数据有误" in html
    assert f"{scored.label} recomputed: run 2." in html


def test_a_recompute_without_a_reason_is_refused_and_changes_nothing(client_for, people, scored):
    response = client_for(people.bureau).post(f"/assessment/{scored.label}/recompute/", {"reason": " "}, follow=True)
    assert "Say why the period is recomputed." in response.content.decode()
    assert ScoringRun.objects.count() == 1


# Export


def test_the_export_has_a_sheet_per_level_with_every_count_the_score_and_the_rank(client_for, people, places, scored):
    response = client_for(people.bureau).get(f"/assessment/{scored.label}.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = workbook(response.content)
    assert book.sheetnames == ["Department", "Street", "Community", "Grid manager", "Grid assistant"]
    sheet = list(book["Street"].values)
    assert sheet[0][0] == scored.label and sheet[1][:4] == ("Rank", "Unit", "handled", "completed")
    by_name = {r[1]: r for r in sheet[2:]}
    street = scored.unit("street", places["zhongxin_street"])
    row = by_name["中心街街道"]
    assert (row[0], row[2], row[3], row[-1]) == (street.rank, 3, 2, 79.8)
    assert "税郭镇" in by_name


def test_a_street_officers_export_holds_only_its_scope(client_for, people, scored):
    book = workbook(client_for(people.zhongxin).get(f"/assessment/{scored.label}.xlsx").content)
    assert [r[1] for r in list(book["Street"].values)[2:]] == ["中心街街道"]
    assert list(book["Department"].values)[2:] == []
    assert [r[1] for r in list(book["Grid manager"].values)[2:]] == [people.grid_manager.name]
    book = workbook(client_for(people.shuiguo).get(f"/assessment/{scored.label}.xlsx").content)
    assert [r[1] for r in list(book["Street"].values)[2:]] == ["税郭镇"]
    assert list(book["Grid manager"].values)[2:] == []


# Admin


@pytest.mark.parametrize("model", ["ruleset", "period", "scoringrun"])
def test_the_admin_shows_rules_periods_and_runs_read_only(client_for, scored, model):
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.create_superuser("root", password="x"))
    assert client.get(f"/admin/assessment/{model}/").status_code == 200
    assert client.get(f"/admin/assessment/{model}/add/").status_code == 403


# In Chinese, in the words of docs/glossary.md


def test_a_units_scorecard_in_chinese_names_its_counts_in_words_and_its_rates_in_percent(
    client_for, people, places, scored
):
    url = scored.unit_url("street", places["zhongxin_street"])
    html = client_for(people.bureau, "zh-hans").get(url).content.decode()
    assert "按期答复 2 / 承办 3" in html and "66.7%" in html
    assert "黄色督办单 1" in html
    assert "<code>" not in html
    text = re.sub(r"<[^>]+>", " ", html)  # what the reader sees, not the links' addresses
    for variable in ("on_time", "handled", "completed", "reworked", "return_visited", "yellow"):
        assert variable not in text, variable


def test_the_rules_page_in_chinese_calls_the_built_in_rules_system_defaults_since_the_start(client_for, people, scored):
    html = client_for(people.bureau, "zh-hans").get("/assessment/rules/").content.decode()
    assert "系统默认规则" in html and "自系统启用起" in html
    assert "<td>2000-01-01</td>" not in html and "§6" not in html and "domain.md" not in html
    ranking = client_for(people.bureau, "zh-hans").get(f"/assessment/?period={scored.label}").content.decode()
    assert "系统默认规则" in ranking and "2000-01-01" not in ranking


def test_the_staff_ranking_in_chinese_counts_reports_filed_not_expense_reports(client_for, people, scored):
    client = client_for(people.bureau, "zh-hans")
    html = client.get(f"/assessment/?period={scored.label}&level=grid_manager").content.decode()
    ranking = html[html.find('id="ranking"') : html.find("</table>", html.find('id="ranking"'))]
    assert "<th>姓名</th>" in ranking and "上报件数" in ranking and "户数" in ranking
    assert "明细单" not in ranking and "名称" not in ranking
    units = client.get(f"/assessment/?period={scored.label}&level=street").content.decode()
    assert "按期办结率" in units and "返工率" in units and "返工次数" not in units


def test_a_unit_name_typed_as_a_formula_is_exported_as_text(client_for, people, scored):
    from assessment.models import UnitScore

    UnitScore.objects.update(name=HOSTILE)
    content = client_for(people.bureau).get(f"/assessment/{scored.label}.xlsx").content
    assert formula_cells(content) == []
    assert HOSTILE in text_values(content)
