"""Scoring a period: snapshots, ranking, the one-time close, the logged recomputation, and rule
sets that never reach back into a closed period."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import services
from assessment.models import Period, PeriodStatus, RuleSet, ScoringRun, StaffScore, UnitScore
from gridgov.errors import Conflict, InvalidInput, NotAllowed


def test_period_labels_name_months_and_quarters():
    assert services.period_bounds("2026-05") == ("month", datetime.date(2026, 5, 1), datetime.date(2026, 6, 1))
    assert services.period_bounds("2026-12")[2] == datetime.date(2027, 1, 1)
    assert services.period_bounds("2026-q4") == ("quarter", datetime.date(2026, 10, 1), datetime.date(2027, 1, 1))
    for bad in ("2026-13", "2026-5", "May 2026", "2026-Q5", ""):
        with pytest.raises(InvalidInput, match="YYYY-MM"):
            services.period_bounds(bad)


def test_the_monthly_task_scores_last_month_and_a_quarter_when_one_ended():
    assert services.due_labels(datetime.date(2026, 5, 1)) == ["2026-04"]
    assert services.due_labels(datetime.date(2026, 7, 1)) == ["2026-06", "2026-Q2"]
    assert services.due_labels(datetime.date(2027, 1, 15)) == ["2026-12", "2026-Q4"]


def test_a_scored_month_stores_each_units_counts_score_and_rank(make_appeal, places, this_month):
    label, later = this_month
    make_appeal("closed", unit="street")
    make_appeal("in_progress", unit="street")
    make_appeal("closed", unit="department")
    make_appeal("dispatched", unit="community")
    make_appeal("closed", unit="street", where="shuiguo")

    run = services.period_score(actor=None, label=label, today=later)

    period = Period.objects.get(label=label)
    assert (period.status, period.current_run, run.number) == (PeriodStatus.CLOSED, run, 1)
    streets = {s.node_id: s for s in run.unit_scores.filter(kind="street")}
    zhongxin = streets[places["zhongxin_street"].pk]
    assert (zhongxin.handled, zhongxin.completed, zhongxin.on_time, zhongxin.rated, zhongxin.satisfied) == (
        2,
        1,
        1,
        1,
        1,
    )
    # 40 × 1/2 + 20 × 1/2 + 30 × 1 + 10 × 1 = 70; 税郭镇 closed its one case: 100.
    assert zhongxin.score == Decimal("70.00") and zhongxin.rank == 2
    assert streets[places["shuiguo_street"].pk].rank == 1
    department = run.unit_scores.get(kind="department")
    assert (department.name, department.score, department.rank) == ("区民政局", Decimal("100.00"), 1)
    assert run.unit_scores.get(kind="community").score == Decimal("40.00")


def test_equal_scores_share_a_rank_and_the_next_rank_skips():
    rows = [UnitScore(kind="street", name=n, score=Decimal(s)) for n, s in [("a", 90), ("b", 95), ("c", 90), ("d", 80)]]
    services._ranked(rows, lambda r: r.kind)
    assert [(r.name, r.rank) for r in rows] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


def test_a_period_that_has_not_ended_cannot_be_scored(rules):
    today = timezone.localdate()
    with pytest.raises(Conflict, match="has not ended"):
        services.period_score(actor=None, label=f"{today:%Y-%m}")
    assert not Period.objects.exists()


def test_scoring_a_closed_period_again_is_refused_and_changes_nothing(make_appeal, this_month):
    label, later = this_month
    make_appeal("closed", unit="street")
    services.period_score(actor=None, label=label, today=later)
    make_appeal("dispatched", unit="street")
    with pytest.raises(Conflict, match="already scored"):
        services.period_score(actor=None, label=label, today=later)
    assert ScoringRun.objects.count() == 1 and UnitScore.objects.get().handled == 1


def test_recomputing_a_closed_period_needs_the_right_and_a_reason_and_keeps_the_earlier_run(
    make_appeal,
    people,
    this_month,
):
    label, later = this_month
    make_appeal("closed", unit="street")
    first = services.period_score(actor=None, label=label, today=later)
    make_appeal("dispatched", unit="street")

    for actor in (people.zhongxin, people.center, people.grid_manager):
        with pytest.raises(NotAllowed):
            services.period_recompute(actor=actor, label=label, reason="数据更正")
    with pytest.raises(NotAllowed, match="name the person"):
        services.period_recompute(actor=None, label=label, reason="数据更正")
    with pytest.raises(InvalidInput, match="Say why"):
        services.period_recompute(actor=people.bureau, label=label, reason="  ")
    assert ScoringRun.objects.count() == 1

    second = services.period_recompute(actor=people.bureau, label=label, reason="数据更正")
    assert (second.number, second.computed_by, second.reason) == (2, people.bureau, "数据更正")
    assert Period.objects.get(label=label).current_run == second
    assert first.unit_scores.get().handled == 1 and second.unit_scores.get().handled == 2


def test_recomputing_a_period_never_scored_is_refused(people, rules):
    with pytest.raises(Conflict, match="not been scored"):
        services.period_recompute(actor=people.bureau, label="2020-01", reason="x")


def weights(**changes):
    values = {f.name: f.default for f in RuleSet._meta.fields if f.name not in ("id", "effective_from", "note")}
    return {k: v for k, v in {**values, **changes}.items() if k not in ("created_at", "created_by")}


def test_weights_that_do_not_add_up_to_100_are_refused(people, rules):
    with pytest.raises(InvalidInput, match=r"add up to 95\.00; they must add up to 100"):
        services.ruleset_create(
            actor=people.bureau, effective_from=datetime.date(2030, 1, 1), values=weights(on_time=35)
        )
    with pytest.raises(InvalidInput, match="staff score"):
        services.ruleset_create(actor=people.bureau, effective_from=datetime.date(2030, 1, 1), values=weights(diary=30))
    with pytest.raises(InvalidInput, match="between 0 and 100"):
        services.ruleset_create(actor=people.bureau, effective_from=datetime.date(2030, 1, 1), values=weights(red=-1))
    with pytest.raises(InvalidInput, match="must be a number"):
        services.ruleset_create(actor=people.bureau, effective_from=datetime.date(2030, 1, 1), values=weights(red="x"))
    with pytest.raises(NotAllowed):
        services.ruleset_create(actor=people.zhongxin, effective_from=datetime.date(2030, 1, 1), values=weights())
    assert RuleSet.objects.count() == 1


def test_changing_the_weights_later_does_not_change_a_closed_period(make_appeal, people, this_month):
    label, later = this_month
    make_appeal("closed", unit="street")
    make_appeal("in_progress", unit="street")
    run = services.period_score(actor=None, label=label, today=later)
    period = Period.objects.get(label=label)
    before = list(UnitScore.objects.values_list("score", flat=True))

    # New rules cannot reach back into the scored month …
    with pytest.raises(Conflict, match="already scored"):
        services.ruleset_create(
            actor=people.bureau, effective_from=period.start, values=weights(on_time=10, satisfaction=60)
        )
    # … and rules from the next month on leave its scores, and its recomputation, as they were.
    new = services.ruleset_create(
        actor=people.bureau, effective_from=period.end, values=weights(on_time=10, satisfaction=60)
    )
    again = services.period_recompute(actor=people.bureau, label=label, reason="复核")
    assert again.rules == run.rules != new
    assert list(again.unit_scores.values_list("score", flat=True)) == before
    assert list(run.unit_scores.values_list("score", flat=True)) == before


def test_a_new_rule_set_scores_the_periods_from_its_date(make_appeal, people, this_month):
    label, later = this_month
    make_appeal("in_progress", unit="street")
    period_start = services.period_bounds(label)[1]
    services.ruleset_create(
        actor=people.bureau, effective_from=period_start, values=weights(on_time=10, completion=10, satisfaction=70)
    )
    run = services.period_score(actor=None, label=label, today=later)
    # 10 × 0 + 10 × 0 + 70 × 1 (no ratings) + 10 × 1 = 80
    assert run.rules.effective_from == period_start and UnitScore.objects.get().score == Decimal("80.00")


def test_score_period_prints_the_ranking_it_stored_and_refuses_bad_input(clock, make_appeal, this_month):
    label, later = this_month
    make_appeal("closed", unit="street")
    make_appeal("closed", unit="department")
    clock.move_to(later)
    out = io.StringIO()
    call_command("score_period", label, stdout=out)
    printed = out.getvalue()
    assert f"{label}: run 1" in printed
    assert "区民政局" in printed and "100.00" in printed and "中心街街道" in printed
    with pytest.raises(CommandError, match="already scored"):
        call_command("score_period", label, stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("score_period", "2026/05", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--by"):
        call_command("score_period", label, "--recompute", stdout=io.StringIO())


def test_the_due_periods_are_scored_once_however_often_the_task_runs(make_appeal, this_month):
    label, _later = this_month
    make_appeal("closed", unit="street")
    first_of_next = services.period_bounds(label)[2]
    assert label in services.periods_score_due(today=first_of_next)
    assert services.periods_score_due(today=first_of_next) == []
    assert ScoringRun.objects.filter(period__label=label).count() == 1


def test_scoring_takes_the_same_queries_however_many_units_and_staff(make_appeal, people, this_month):
    from grids.models import GridNode, Level
    from tests.conftest import _staff

    label, later = this_month
    make_appeal("closed", unit="street")
    with CaptureQueriesContext(connection) as few:
        services.period_score(actor=None, label=label, today=later)
    Period.objects.update(current_run=None)
    UnitScore.objects.all().delete()
    StaffScore.objects.all().delete()
    ScoringRun.objects.all().delete()
    Period.objects.all().delete()
    make_appeal("closed", unit="department")
    make_appeal("closed", unit="street", where="shuiguo")
    make_appeal("dispatched", unit="community")
    for i, unit in enumerate(GridNode.objects.filter(level=Level.UNIT_GRID)[:6]):
        _staff(f"extra{i}", "grid_assistant", node=unit)
    with CaptureQueriesContext(connection) as more:
        run = services.period_score(actor=None, label=label, today=later)
    assert run.unit_scores.count() == 4 and run.staff_scores.count() > 6
    assert len(more.captured_queries) == len(few.captured_queries)


def test_rule_values_that_are_not_finite_numbers_or_too_long_are_refused(people, rules):
    day = datetime.date(2030, 1, 1)
    for values in (weights(red="NaN"), weights(red="Infinity"), weights(visit_share="nan"), weights(diary_target="-3")):
        with pytest.raises(InvalidInput):
            services.ruleset_create(actor=people.bureau, effective_from=day, values=values)
    with pytest.raises(InvalidInput, match="note"):
        services.ruleset_create(actor=people.bureau, effective_from=day, values=weights(), note="很" * 201)
    assert RuleSet.objects.count() == 1


def test_a_recomputation_reason_longer_than_the_log_holds_is_refused(make_appeal, people, this_month):
    label, later = this_month
    make_appeal("closed", unit="street")
    services.period_score(actor=None, label=label, today=later)
    with pytest.raises(InvalidInput, match="300"):
        services.period_recompute(actor=people.bureau, label=label, reason="x" * 301)
    assert ScoringRun.objects.count() == 1


def test_the_units_and_staff_scored_and_the_bureau_are_told_once_per_run(make_appeal, people, this_month):
    from accounts.models import Notification

    label, later = this_month
    make_appeal("closed", unit="street")
    make_appeal("closed", unit="department")
    services.period_score(actor=None, label=label, today=later)
    told = set(Notification.objects.filter(kind="scores").values_list("recipient__username", flat=True))
    # 中心街's officer and the department's (their units were scored), the grid staff, the bureau;
    # not 税郭镇 (nothing scored there), nor the command center or the auditor.
    assert told == {"zhongxin", "civil", "manager", "assistant", "bureau"}
    notice = Notification.objects.get(recipient=people.zhongxin, kind="scores")
    assert label in notice.title and notice.url == f"/assessment/?period={label}"

    services.period_recompute(actor=people.bureau, label=label, reason="数据更正")
    again = Notification.objects.filter(recipient=people.zhongxin, kind="scores").order_by("id").last()
    assert "run 2" in again.title and again.body == "数据更正"
