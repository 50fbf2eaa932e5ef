"""The working-day calendar (工作日): weekends off, with the editable exceptions of
CalendarDay (public holidays on weekdays, make-up working days on weekends).

`add_working_days` is a pure function of its arguments so that its rules can be tested
property by property; `deadline_for` reads the exceptions it needs in one query.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.errors import InvalidInput

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


def years_with_calendar(first: int, last: int) -> set[int]:
    """The years in [first, last] whose State Council holiday calendar has been entered: a year
    is known once it holds a holiday (every announced year has at least New Year's Day)."""
    return set(
        CalendarDay.objects.filter(date__gte=datetime.date(first, 1, 1), date__lte=datetime.date(last, 12, 31))
        .filter(is_workday=False)
        .values_list("date__year", flat=True)
        .distinct()
    )


def first_year_without_calendar(start: datetime.datetime, end: datetime.datetime) -> int | None:
    """The first year between two moments that has no calendar (its holidays would silently
    count as working days), or None when every year in between has one. One query."""
    first, last = timezone.localtime(start).year, timezone.localtime(end).year
    missing = sorted(set(range(first, last + 1)) - years_with_calendar(first, last))
    return missing[0] if missing else None


def exceptions_from(rows: Iterable[tuple[datetime.date, bool]]) -> dict[datetime.date, bool]:
    return dict(rows)


# The file of a year's calendar (`manage.py calendar_load`, the admin's calendar import):
# one day a line, `YYYY-MM-DD off NAME` for a public holiday (法定节假日) or
# `YYYY-MM-DD work [NAME]` for a make-up working day on a weekend (调休上班); `#` starts a
# comment. Copied by hand from the State Council's announcement: nothing is guessed.
OFF_WORDS = {"off", "休"}
WORK_WORDS = {"work", "班"}
MAKE_UP_DAY = "调休上班"


@dataclass(frozen=True)
class CalendarEntry:
    line: int
    date: datetime.date
    is_workday: bool
    name: str


def calendar_file_parse(text: str) -> list[CalendarEntry]:
    """Every day of a calendar file, or InvalidInput naming every bad line (nothing is half-read)."""
    entries: list[CalendarEntry] = []
    errors: list[str] = []
    seen: dict[datetime.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        where = _("Line %(number)d") % {"number": number}
        if len(parts) < 2:
            errors.append(_("%(where)s: expected “YYYY-MM-DD off NAME” or “YYYY-MM-DD work”.") % {"where": where})
            continue
        try:
            day = datetime.date.fromisoformat(parts[0])
        except ValueError:
            errors.append(_("%(where)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"where": where, "value": parts[0]})
            continue
        kind = parts[1].lower()
        name = parts[2].strip() if len(parts) > 2 else ""
        if kind not in OFF_WORDS | WORK_WORDS:
            errors.append(_("%(where)s: “%(value)s” is neither off nor work.") % {"where": where, "value": parts[1]})
            continue
        is_workday = kind in WORK_WORDS
        if is_workday and day.weekday() < 5:
            errors.append(
                _("%(where)s: %(date)s is a weekday, a working day already; make-up days fall on weekends.")
                % {"where": where, "date": day}
            )
            continue
        if not is_workday and not name:
            errors.append(_("%(where)s: name the holiday of %(date)s.") % {"where": where, "date": day})
            continue
        if len(name) > 50:
            errors.append(_("%(where)s: the name is longer than 50 characters.") % {"where": where})
            continue
        if day in seen:
            errors.append(
                _("%(where)s: %(date)s is already on line %(other)d.")
                % {"where": where, "date": day, "other": seen[day]}
            )
            continue
        seen[day] = number
        entries.append(CalendarEntry(number, day, is_workday, name or (MAKE_UP_DAY if is_workday else "")))
    if errors:
        raise InvalidInput("\n".join(errors), code="bad_calendar_file")
    if not entries:
        raise InvalidInput(_("The file lists no days."), code="bad_calendar_file")
    return entries
