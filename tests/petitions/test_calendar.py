import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from petitions import calendar, services
from petitions.models import CalendarDay

days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))
exceptions = st.dictionaries(days, st.booleans(), max_size=40)


@given(start=days, n=st.integers(min_value=1, max_value=30), exc=exceptions)
def test_the_deadline_is_a_working_day_after_the_start(start, n, exc):
    end = calendar.add_working_days(start, n, exc)
    assert end > start
    assert calendar.is_workday(end, exc)


@given(start=days, n=st.integers(min_value=0, max_value=30), exc=exceptions)
def test_exactly_n_working_days_lie_between_start_and_deadline(start, n, exc):
    end = calendar.add_working_days(start, n, exc)
    if n:
        assert calendar.working_days_between(start, end, exc) == n
    else:
        assert calendar.is_workday(end, exc)
        assert calendar.working_days_between(start, end, exc) <= 1


@given(start=days, a=st.integers(min_value=1, max_value=15), b=st.integers(min_value=1, max_value=15), exc=exceptions)
def test_adding_working_days_in_two_steps_equals_one_step(start, a, b, exc):
    assert calendar.add_working_days(calendar.add_working_days(start, a, exc), b, exc) == calendar.add_working_days(
        start, a + b, exc
    )


@given(start=days, n=st.integers(min_value=1, max_value=20), exc=exceptions, holiday=days)
def test_a_new_holiday_never_brings_a_deadline_earlier(start, n, exc, holiday):
    before = calendar.add_working_days(start, n, exc)
    after = calendar.add_working_days(start, n, {**exc, holiday: False})
    assert after >= before


@given(start=days, n=st.integers(min_value=1, max_value=20))
def test_without_exceptions_weekends_are_skipped(start, n):
    end = calendar.add_working_days(start, n, {})
    assert end.weekday() < 5
    weekdays = sum(1 for i in range(1, (end - start).days + 1) if (start + datetime.timedelta(days=i)).weekday() < 5)
    assert weekdays == n


def test_the_spring_festival_and_its_make_up_days_come_from_the_calendar_data(db):
    services.module_defaults_ensure(actor=None)  # the migration's rows, if a transactional test flushed them
    # Friday 2026-02-13 + 1 working day: the make-up Saturday 2026-02-14.
    exc = calendar.load_exceptions(datetime.date(2026, 2, 1), datetime.date(2026, 3, 31))
    assert calendar.add_working_days(datetime.date(2026, 2, 13), 1, exc) == datetime.date(2026, 2, 14)
    # Saturday 14th + 1: the festival runs 15–23, so Tuesday 24th.
    assert calendar.add_working_days(datetime.date(2026, 2, 14), 1, exc) == datetime.date(2026, 2, 24)


def test_an_administrator_edits_the_calendar(db, people):
    services.calendar_day_set(actor=people.admin, date=datetime.date(2030, 3, 4), is_workday=False, name="临时")
    assert CalendarDay.objects.get(date="2030-03-04").is_workday is False


def test_urgent_cases_are_due_the_same_working_day(db, modules):
    from django.utils import timezone

    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))  # a Monday
    deadline = calendar.deadline_for(priority="urgent", module=modules["sanitation"], start=start)
    assert timezone.localtime(deadline).date() == datetime.date(2026, 3, 2)
    deadline = calendar.deadline_for(priority="complex", module=modules["sanitation"], start=start)
    assert timezone.localtime(deadline).date() == datetime.date(2026, 3, 19)


def test_a_negative_number_of_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(datetime.date(2026, 1, 5), -1, {})


def test_a_deadline_across_the_year_end_skips_new_years_holiday_and_counts_its_make_up_sunday(db):
    services.module_defaults_ensure(actor=None)
    exc = calendar.load_exceptions(datetime.date(2025, 12, 1), datetime.date(2026, 1, 31))
    # Wednesday 31 December 2025 + 1: 1–3 January 2026 are off, Sunday the 4th is worked (调休).
    assert calendar.add_working_days(datetime.date(2025, 12, 31), 1, exc) == datetime.date(2026, 1, 4)
    assert calendar.add_working_days(datetime.date(2025, 12, 31), 2, exc) == datetime.date(2026, 1, 5)
    assert calendar.working_days_between(datetime.date(2025, 12, 31), datetime.date(2026, 1, 5), exc) == 2


def test_a_deadline_across_a_month_end_into_a_holiday_lands_after_it(db):
    services.module_defaults_ensure(actor=None)
    exc = calendar.load_exceptions(datetime.date(2026, 4, 1), datetime.date(2026, 5, 31))
    # Thursday 30 April + 1: Labour Day runs 1–5 May, so Wednesday the 6th; the make-up
    # Saturday 9 May is a working day.
    assert calendar.add_working_days(datetime.date(2026, 4, 30), 1, exc) == datetime.date(2026, 5, 6)
    assert calendar.add_working_days(datetime.date(2026, 5, 8), 1, exc) == datetime.date(2026, 5, 9)


def test_a_year_counts_as_having_a_calendar_once_it_holds_a_holiday(db):
    services.module_defaults_ensure(actor=None)
    assert calendar.years_with_calendar(2025, 2026) == {2025, 2026}
    known = CalendarDay.objects.latest("date").date.year
    start = datetime.datetime(known, 12, 30, 9, tzinfo=calendar.timezone.get_current_timezone())
    assert calendar.first_year_without_calendar(start, start + datetime.timedelta(days=3)) == known + 1
    assert calendar.first_year_without_calendar(start, start + datetime.timedelta(hours=1)) is None
