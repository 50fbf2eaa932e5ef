"""The editable data of the appeals app: module owners and the working-day calendar."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scopes import require_role
from grids.models import Department

from ..models import CalendarDay, ServiceModule
from ..modules import DEFAULT_MODULES, HOLIDAYS, NOT_PUBLIC


@transaction.atomic
def module_defaults_ensure(*, actor) -> int:
    """Create the default modules and announced holidays that are missing (a flushed database
    has lost what the data migration made); rows that exist are left as edited."""
    require_role(actor, Role.ADMIN, action=_("change service modules"))
    made = 0
    for number, code, name, name_en, _owner, limit in DEFAULT_MODULES:
        _module, created = ServiceModule.objects.get_or_create(
            code=code,
            defaults={
                "number": number, "name": name, "name_en": name_en, "limit_days": limit,
                "open311_public": code not in NOT_PUBLIC,
            },
        )  # fmt: skip
        made += created
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
        if department is not None:
            linked += ServiceModule.objects.filter(code=code, owner__isnull=True).update(owner=department)
    return linked


@transaction.atomic
def calendar_day_set(*, actor, date: datetime.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Mark a day as a holiday or a make-up working day (replaces what the day said before)."""
    require_role(actor, Role.ADMIN, action=_("change the calendar"))
    day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    return day
