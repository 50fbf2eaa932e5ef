"""The dashboard's figures: each equals the count of its list, whatever the node, slice and user."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import selectors
from dashboard.selectors import FIGURES, Period, Slice
from gridgov.errors import InvalidInput, NotFound
from grids.models import GridNode, Level
from petitions.models import Appeal

pytestmark = pytest.mark.django_db


def wide(clock) -> Period:
    today = clock.today
    return Period(today - datetime.timedelta(days=60), today, timezone.now())


def district(user):
    return selectors.dashboard_node(user, None)


def test_every_figure_equals_the_number_of_appeals_in_its_list(busy_district, people, streets):
    period = wide(busy_district)
    checked = 0
    for user in (people.center, people.zhongxin, people.department):
        for node in selectors.dashboard_roots(user):
            counts = selectors.figure_counts(user, node, period)
            assert set(counts) == {f.name for f in FIGURES}
            for figure in FIGURES:
                rows = selectors.figure_appeals(user, node, period, figure.name)
                assert counts[figure.name] == rows.count() == len(list(rows)), (user, node, figure.name)
                checked += 1
    assert checked == 3 * len(FIGURES)


def test_figures_equal_their_lists_on_every_level_and_slice(busy_district, people, modules):
    period = wide(busy_district)
    street = GridNode.objects.get(name="中心街街道")
    community = street.get_children().order_by("code").first()
    base = community.get_children().order_by("code").first()
    unit = base.get_children().order_by("code").first()
    slices = [Slice(), Slice(module=modules["civil-affairs"].pk), Slice(source="hotline")]
    for node in (street, community, base, unit):
        for where in slices:
            counts = selectors.figure_counts(people.center, node, period, where)
            for figure in FIGURES:
                rows = selectors.figure_appeals(people.center, node, period, figure.name, where)
                assert counts[figure.name] == rows.count(), (node.name, where, figure.name)


def test_the_busy_district_counts_what_happened(busy_district, people):
    s = selectors.summary(people.center, district(people.center), wide(busy_district))
    assert s["received"] == 16 + 2 + 1 + 3
    assert s["received_hotline"] == s["received"]
    assert s["closed"] == 2 + 3
    assert s["satisfied"] == 2 + 1  # the two made closed satisfied, one basically satisfied
    assert s["rated"] == 4  # unreachable is not a rating
    assert s["resolved"] == 4  # everything but dissatisfied
    assert s["reworked"] == 3
    assert s["extended"] == 1
    assert s["slips"] == {"blue": 1, "yellow": 1, "orange": 0, "red": 1}
    # Signed (appeals, not signings): the 2×(in_progress…closed) made, the department's, the late
    # one, the three reworks.
    assert s["signed"] == 2 * 4 + 1 + 1 + 3
    assert s["signed_on_time"] == s["signed"] - 1
    assert s["overdue"] == s["open"] - 2 * 2 - 2 * 2  # received+registered, replied+verified of both streets
    assert s["satisfaction_rate"] == round(3 / 4, 4)
    assert s["rework_rate"] == round(3 / 5, 4)


def test_a_street_officer_counts_only_their_street(busy_district, people):
    period = wide(busy_district)
    everything = selectors.summary(people.center, district(people.center), period)
    zhongxin_node = selectors.dashboard_node(people.zhongxin, None)
    assert zhongxin_node.name == "中心街街道"
    zhongxin = selectors.summary(people.zhongxin, zhongxin_node, period)
    shuiguo = selectors.summary(people.shuiguo, selectors.dashboard_node(people.shuiguo, None), period)
    assert zhongxin["received"] + shuiguo["received"] == everything["received"]
    assert shuiguo["received"] == 8
    assert all(
        a.street_id == zhongxin_node.pk
        for a in selectors.figure_appeals(people.zhongxin, zhongxin_node, period, "received")
    )


def test_a_node_outside_the_scope_is_not_found(busy_district, people, streets):
    with pytest.raises(NotFound):
        selectors.dashboard_node(people.zhongxin, streets["税郭镇"].pk)
    with pytest.raises(NotFound):
        selectors.dashboard_node(people.zhongxin, district(people.center).pk)
    with pytest.raises(NotFound):
        selectors.dashboard_node(people.nobody, None)
    with pytest.raises(InvalidInput):
        selectors.dashboard_node(people.center, "abc")


def test_a_department_officer_sees_the_district_through_their_departments_appeals(busy_district, people):
    node = selectors.dashboard_node(people.department, None)
    assert node.level == Level.DISTRICT
    s = selectors.summary(people.department, node, wide(busy_district))
    assert s["received"] == 1
    assert s["extended"] == 1


def test_figures_take_four_queries_whatever_the_number_of_appeals(busy_district, people, make_appeal):
    period = wide(busy_district)
    node = district(people.center)
    with CaptureQueriesContext(connection) as before:
        selectors.figure_counts(people.center, node, period)
    for _i in range(5):
        make_appeal("closed")
    with CaptureQueriesContext(connection) as after:
        selectors.figure_counts(people.center, node, period)
    assert len(before) == len(after) == 4


def test_breakdown_rows_add_up_and_link_to_lists_of_as_many_appeals(busy_district, people, modules):
    period = wide(busy_district)
    node = district(people.center)
    total = selectors.figure_counts(people.center, node, period)
    for rows in (
        selectors.child_rows(people.center, node, period),
        selectors.source_rows(people.center, node, period),
        selectors.module_rows(people.center, node, period),
    ):
        for name in selectors.ROW_FIGURES:
            assert sum(r.counts[name] for r in rows) == total[name]
    for row in selectors.child_rows(people.center, node, period):
        counts = selectors.figure_counts(people.center, row.node, period)
        for name in selectors.ROW_FIGURES:
            assert row.counts[name] == counts[name]
    for row in selectors.module_rows(people.center, node, period):
        where = Slice(module=row.key)
        assert row.counts["open"] == selectors.figure_appeals(people.center, node, period, "open", where).count()
    departments = selectors.department_rows(people.center, node, period)
    assert [r.name for r in departments] == ["区民政局"]


def test_a_community_breaks_down_by_base_grid(busy_district, people):
    period = wide(busy_district)
    community = Appeal.objects.filter(street__name="中心街街道").first().community
    rows = selectors.child_rows(people.center, community, period)
    assert [r.node.level for r in rows] == [Level.BASE_GRID] * len(rows)
    total = selectors.figure_counts(people.center, community, period)
    assert sum(r.counts["received"] for r in rows) == total["received"] > 0
    for row in rows:
        assert row.counts["received"] == selectors.figure_counts(people.center, row.node, period)["received"]


def test_periods_today_week_month_and_bad_ranges(clock):
    now = clock.move_to(datetime.date(2026, 3, 12))  # a Thursday
    today = selectors.period_for("today", now=now)
    assert (today.start, today.end) == (datetime.date(2026, 3, 12),) * 2
    week = selectors.period_for("week", now=now)
    assert week.start == datetime.date(2026, 3, 9)
    month = selectors.period_for("month", now=now)
    assert month.start == datetime.date(2026, 3, 1)
    explicit = selectors.period_for(start="2026-01-01", end="2026-01-31", now=now)
    assert explicit.hi - explicit.lo == datetime.timedelta(days=31)
    for start, end in (
        ("2026-13-01", ""),
        ("2026-02-01", "2026-01-01"),
        ("1066-01-01", "2026-01-01"),
        ("2020-01-01", "2026-01-01"),
    ):
        with pytest.raises(InvalidInput):
            selectors.period_for(start=start, end=end, now=now)


def test_trends_count_received_and_closed_by_day_and_month_against_last_year(busy_district, people):
    node = district(people.center)
    t = selectors.trends(people.center, node, busy_district.today)
    assert len(t["daily"]["labels"]) == 30 and len(t["monthly"]["labels"]) == 12
    total = selectors.summary(
        people.center,
        node,
        Period(busy_district.today - datetime.timedelta(days=29), busy_district.today, timezone.now()),
    )
    assert sum(t["daily"]["received"]) == total["received"]
    assert sum(t["daily"]["closed"]) == total["closed"]
    assert sum(t["monthly"]["received"]) == 22
    assert sum(t["monthly"]["received_last_year"]) == 0
