"""The editable data of the appeals app: module owners and the working-day calendar."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.roles import Role
from accounts.scopes import require_role
from accounts.services import notification_send
from audit import services as audit
from gridgov.errors import InvalidInput
from grids.models import Department
from grids.selectors import post_holders

from .. import calendar
from ..models import CalendarDay, ServiceModule
from ..modules import DEFAULT_MODULES, HOLIDAYS, NOT_PUBLIC

MODULE_LIMIT_DAYS = (1, 60)


@transaction.atomic
def module_update(
    *, actor, module: ServiceModule, owner: Department | None, limit_days: int, is_active: bool
) -> ServiceModule:
    """A module's owning department, its time limit and whether it takes new appeals. The time
    limit sets the deadline of appeals dispatched from now on; those already running keep theirs."""
    require_role(actor, Role.ADMIN, action=_("change service modules"))
    low, high = MODULE_LIMIT_DAYS
    if not isinstance(limit_days, int) or not low <= limit_days <= high:
        raise InvalidInput(
            _("A time limit is %(low)d to %(high)d working days.") % {"low": low, "high": high}, field="limit_days"
        )
    if owner is not None and not owner.is_active:
        raise InvalidInput(_("%(name)s is no longer active.") % {"name": owner.name}, field="owner")
    module = ServiceModule.objects.select_for_update().get(pk=module.pk)
    fields = ("owner", "limit_days", "is_active")
    before = audit.snapshot(module, fields)
    module.owner, module.limit_days, module.is_active = owner, limit_days, bool(is_active)
    module.save(update_fields=list(fields))
    if changes := audit.diff(before, audit.snapshot(module, fields)):
        audit.record(actor=actor, action="update", obj=module, changes=changes)
    return module


@transaction.atomic
def module_defaults_ensure(*, actor) -> int:
    """Create the default modules and announced holidays that are missing (a flushed database
    has lost what the data migration made); rows that exist are left as edited."""
    require_role(actor, Role.ADMIN, action=_("change service modules"))
    made = 0
    for number, code, name, name_en, _owner, limit in DEFAULT_MODULES:
        module, created = ServiceModule.objects.get_or_create(
            code=code,
            defaults={
                "number": number, "name": name, "name_en": name_en, "limit_days": limit,
                "open311_public": code not in NOT_PUBLIC,
            },
        )  # fmt: skip
        made += created
        if created:
            audit.record(
                actor=actor, action="create", obj=module, changes=audit.created(module, ("code", "name", "limit_days"))
            )
    for year in HOLIDAYS.values():
        days = [(d, False, name) for d, name in year["off"]] + [(d, True, "调休上班") for d in year["work"]]
        for day, is_workday, name in days:
            CalendarDay.objects.get_or_create(
                date=datetime.date.fromisoformat(day), defaults={"is_workday": is_workday, "name": name}
            )
    return made


@transaction.atomic
def module_owners_link(*, actor) -> int:
    """Set each default module's owner by its department code, where the department exists
    and the module has no owner yet (an owner set by hand is kept)."""
    require_role(actor, Role.ADMIN, action=_("change service modules"))
    departments = {d.code: d for d in Department.objects.all()}
    linked = 0
    for _number, code, _name, _en, owner_code, _limit in DEFAULT_MODULES:
        department = departments.get(owner_code)
        if department is None:
            continue
        module = ServiceModule.objects.select_for_update().filter(code=code, owner__isnull=True).first()
        if module is not None:
            module.owner = department
            module.save(update_fields=["owner"])
            audit.record(actor=actor, action="update", obj=module, changes={"owner": [None, str(department)]})
            linked += 1
    return linked


@transaction.atomic
def calendar_day_set(*, actor, date: datetime.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Mark a day as a holiday or a make-up working day (replaces what the day said before)."""
    require_role(actor, Role.ADMIN, action=_("change the calendar"))
    before = CalendarDay.objects.filter(date=date).first()
    day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    _record_day(actor, day, before)
    return day


def _record_day(actor, day: CalendarDay, before: CalendarDay | None) -> None:
    fields = ("date", "is_workday", "name")
    old = audit.snapshot(before, fields) if before else {}
    changes = audit.diff(old, audit.snapshot(day, fields))
    if changes:
        audit.record(actor=actor, action="update" if before else "create", obj=day, changes=changes)


def calendar_changes(entries: list[calendar.CalendarEntry]) -> list[tuple[calendar.CalendarEntry, CalendarDay | None]]:
    """Each entry of a calendar file beside what the calendar says of its day now (None: nothing),
    for the dry run; entries that would change nothing are left out."""
    current = {d.date: d for d in CalendarDay.objects.filter(date__in=[e.date for e in entries])}
    return [
        (entry, current.get(entry.date))
        for entry in entries
        if entry.date not in current
        or (current[entry.date].is_workday, current[entry.date].name) != (entry.is_workday, entry.name)
    ]


@transaction.atomic
def calendar_days_import(*, actor, entries: list[calendar.CalendarEntry]) -> int:
    """Enter a year's calendar (from `calendar.calendar_file_parse`) all at once: every day or,
    on any error, none. Days already listed take the file's word. Returns the days changed."""
    require_role(actor, Role.ADMIN, action=_("change the calendar"))
    changes = calendar_changes(entries)
    for entry, before in changes:
        day, _created = CalendarDay.objects.update_or_create(
            date=entry.date, defaults={"is_workday": entry.is_workday, "name": entry.name}
        )
        _record_day(actor, day, before)
    return len(changes)


# From this day of the year on, the admins are told when next year's calendar is missing: the
# State Council announces it in late October or November.
CALENDAR_REMINDER_FROM = (11, 1)


def calendar_years_due(today: datetime.date) -> list[int]:
    """The years whose calendar ought to be entered by `today`: this year, and next year from 1 November."""
    years = [today.year]
    if (today.month, today.day) >= CALENDAR_REMINDER_FROM:
        years.append(today.year + 1)
    return years


@transaction.atomic
def calendar_missing_notify(*, today: datetime.date | None = None) -> list[int]:
    """Tell the administrators which due years have no holiday calendar (without it a deadline
    counts that year's holidays as working days). Once per year and admin, however often it
    runs (the notice's key). Returns the years found missing."""
    today = today or timezone.localdate()
    due = calendar_years_due(today)
    missing = sorted(set(due) - calendar.years_with_calendar(min(due), max(due)))
    admins = post_holders(Role.ADMIN).filter(is_active=True)
    for year in missing:
        notification_send(
            recipients=admins,
            kind=Notification.Kind.OTHER,
            title=_("The %(year)d holiday calendar is missing") % {"year": year},
            body=_(
                "Deadlines that reach into %(year)d count its public holidays as working days until "
                "the State Council's holiday calendar for %(year)d is entered."
            )
            % {"year": year},
            url=reverse("admin:petitions_calendarday_import"),
            key=f"calendar-missing:{year}",
        )
    return missing
