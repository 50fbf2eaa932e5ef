"""The colour rule of docs/domain.md §4 as a pure function: examples at the edges, and properties."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from petitions.calendar import add_working_days
from petitions.services.supervision import LADDER, Facts, colours_due, next_check

UTC = datetime.UTC
MON = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 18:00 Beijing time
LIMITS = {
    "BLUE_SHARE": 0.70,
    "YELLOW_SHARE": 0.85,
    "BLUE_UNACKNOWLEDGED_WORKING_DAYS": 1,
    "RED_OVERDUE_WORKING_DAYS": 5,
    "RED_REWORKS": 3,
}


def facts(days=10, **kw):
    return Facts(window_start=MON, deadline=MON + datetime.timedelta(days=days), **kw)


def due(f, now, exceptions=None):
    return colours_due(f, now, exceptions or {}, LIMITS)


def test_nothing_is_due_before_seventy_percent_of_the_window_is_used():
    assert due(facts(), MON + datetime.timedelta(days=6, hours=23)) == []


def test_blue_at_seventy_percent_and_yellow_at_eighty_five():
    assert due(facts(), MON + datetime.timedelta(days=7)) == ["blue"]
    assert due(facts(), MON + datetime.timedelta(days=8, hours=12)) == ["blue", "yellow"]


def test_a_reply_one_second_before_the_deadline_is_not_orange_but_a_second_after_is():
    f = facts()
    assert "orange" not in due(f, f.deadline - datetime.timedelta(seconds=1))
    assert "orange" not in due(f, f.deadline)
    assert "orange" in due(f, f.deadline + datetime.timedelta(seconds=1))


def test_red_counts_five_working_days_past_the_deadline_skipping_weekends_and_holidays():
    # Deadline Monday 2026-03-16 18:00 Beijing; Wednesday 18th is a holiday.
    deadline = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
    f = Facts(window_start=MON, deadline=deadline)
    holiday = {datetime.date(2026, 3, 18): False}
    # Working days after Monday: Tue 17, Thu 19, Fri 20, Mon 23, Tue 24 → red from Tuesday 24th 18:00.
    assert "red" not in due(f, datetime.datetime(2026, 3, 24, 9, 59, tzinfo=UTC), holiday)
    assert "red" in due(f, datetime.datetime(2026, 3, 24, 10, 0, tzinfo=UTC), holiday)
    # Without the holiday it is Monday 23rd.
    assert "red" in due(f, datetime.datetime(2026, 3, 23, 10, 0, tzinfo=UTC))


def test_a_blue_slip_ignored_for_one_working_day_over_a_weekend_turns_yellow_on_monday():
    friday = datetime.datetime(2026, 3, 6, 2, 0, tzinfo=UTC)  # 10:00 Beijing
    f = Facts(window_start=MON, deadline=MON + datetime.timedelta(days=30), blue_unacknowledged_since=friday)
    assert "yellow" not in due(f, friday + datetime.timedelta(days=2))  # Sunday
    assert "yellow" in due(f, friday + datetime.timedelta(days=3))  # Monday 10:00


def test_the_third_rework_is_red_at_once():
    assert due(facts(rework_count=3), MON) == ["red"]
    assert due(facts(rework_count=2), MON) == []


moments = st.integers(min_value=0, max_value=60 * 24 * 40).map(lambda m: MON + datetime.timedelta(minutes=m))
windows = st.integers(min_value=60, max_value=60 * 24 * 20).map(lambda m: datetime.timedelta(minutes=m))
holidays = st.sets(st.integers(min_value=0, max_value=60)).map(
    lambda days: {MON.date() + datetime.timedelta(days=d): False for d in days}
)


@given(span=windows, now=moments, later=st.integers(min_value=0, max_value=60 * 24 * 10), exc=holidays)
def test_colours_once_due_stay_due_as_time_passes(span, now, later, exc):
    f = Facts(window_start=MON, deadline=MON + span)
    assert set(due(f, now, exc)) <= set(due(f, now + datetime.timedelta(minutes=later), exc))


@given(span=windows, now=moments, exc=holidays)
def test_a_higher_time_colour_is_never_due_before_a_lower_one(span, now, exc):
    f = Facts(window_start=MON, deadline=MON + span)
    got = due(f, now, exc)
    ranks = [LADDER.index(c) for c in got]
    assert ranks == list(range(len(ranks))), got  # a prefix of the ladder


@given(span=windows, now=moments, exc=holidays)
def test_orange_exactly_when_the_deadline_has_passed(span, now, exc):
    f = Facts(window_start=MON, deadline=MON + span)
    assert ("orange" in due(f, now, exc)) == (now > f.deadline)


@given(span=windows, now=moments, exc=holidays)
def test_red_exactly_when_five_working_days_have_passed_since_the_deadline(span, now, exc):
    f = Facts(window_start=MON, deadline=MON + span)
    local = f.deadline + datetime.timedelta(hours=8)  # Beijing (the settings' time zone)
    red_day = add_working_days(local.date(), 5, exc)
    red_at = datetime.datetime.combine(red_day, local.time(), tzinfo=UTC) - datetime.timedelta(hours=8)
    assert ("red" in due(f, now, exc)) == (now >= red_at)


@given(span=windows, now=moments, exc=holidays)
def test_nothing_new_becomes_due_between_now_and_the_next_check(span, now, exc):
    f = Facts(window_start=MON, deadline=MON + span)
    issued = set(due(f, now, exc))
    nxt = next_check(f, now, exc, issued)
    if nxt is None:
        assert issued == set(LADDER)
        return
    assert nxt > now
    assert set(due(f, nxt - datetime.timedelta(microseconds=1), exc)) == issued
    assert set(due(f, nxt, exc)) > issued
