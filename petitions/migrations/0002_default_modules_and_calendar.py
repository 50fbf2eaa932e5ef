"""The 17 default service modules (without owners: departments are linked by code later,
see petitions.services.module_owners_link) and the announced holidays of 2025–2026."""

import datetime

from django.db import migrations

from petitions.modules import DEFAULT_MODULES, HOLIDAYS


def forward(apps, schema_editor):
    ServiceModule = apps.get_model("petitions", "ServiceModule")
    CalendarDay = apps.get_model("petitions", "CalendarDay")
    for number, code, name, name_en, _owner, limit in DEFAULT_MODULES:
        ServiceModule.objects.get_or_create(
            code=code, defaults={"number": number, "name": name, "name_en": name_en, "limit_days": limit}
        )
    for year in HOLIDAYS.values():
        for day, name in year["off"]:
            CalendarDay.objects.get_or_create(
                date=datetime.date.fromisoformat(day), defaults={"is_workday": False, "name": name}
            )
        for day in year["work"]:
            CalendarDay.objects.get_or_create(
                date=datetime.date.fromisoformat(day), defaults={"is_workday": True, "name": "调休上班"}
            )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
