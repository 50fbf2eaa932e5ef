"""The working-day calendar (工作日): weekends off, with the editable exceptions of
CalendarDay (public holidays on weekdays, make-up working days on weekends).

`add_working_days` is a pure function of its arguments so that its rules can be tested
property by property; `deadline_for` reads the exceptions it needs in one query.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from .models import CalendarDay, Priority, ServiceModule
from .modules import COMPLEX_DAYS, URGENT_DAYS

# A handling unit's day ends at 18:00 local time; a deadline is the end of its last day.
END_OF_DAY = datetime.time(18, 0)
# The longest run of consecutive days off a calendar can hold (Spring Festival plus weekends),
# with margin: how far ahead `deadline_for` loads exceptions beyond the plain-weekday estimate.
MAX_DAYS_OFF_IN_A_ROW = 20


def is_workday(day: datetime.date, exceptions: dict[datetime.date, bool]) -> bool:
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int, exceptions: dict[datetime.date, bool]) -> datetime.date:
    """The `days`-th working day after `start`; with 0, `start` itself if it is a working day,
    else the next one (an urgent case received on a holiday is due the first working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        while not is_workday(day, exceptions):
            day += datetime.timedelta(days=1)
        return day
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_workday(day, exceptions):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, exceptions: dict[datetime.date, bool]) -> int:
    """Working days in (start, end]: how many add_working_days needs to get from start to end."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day, exceptions)
    return count


def load_exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday"))


def limit_days(priority: str, module: ServiceModule) -> int:
    if priority == Priority.URGENT:
        return URGENT_DAYS
    if priority == Priority.COMPLEX:
        return COMPLEX_DAYS
    return module.limit_days


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def add_working_days_from(when: datetime.datetime, days: int) -> datetime.datetime:
    """The deadline `days` working days after the moment `when` (one query for the exceptions)."""
    start = timezone.localtime(when).date()
    horizon = start + datetime.timedelta(days=days * 7 // 5 + MAX_DAYS_OFF_IN_A_ROW + 7)
    return end_of_day(add_working_days(start, days, load_exceptions(start, horizon)))


def deadline_for(*, priority: str, module: ServiceModule, start: datetime.datetime) -> datetime.datetime:
    return add_working_days_from(start, limit_days(priority, module))


def exceptions_from(rows: Iterable[tuple[datetime.date, bool]]) -> dict[datetime.date, bool]:
    return dict(rows)
