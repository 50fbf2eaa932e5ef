"""The first rate's note named a file outside the project; it now says what the rate is, in the
words of the pages."""

import datetime

from django.db import migrations

OLD_NOTES = ("60 yuan per household per year (DESIGN.md §7)", "60 yuan per household per year (docs/domain.md §7)")
NOTE = "每户每年 60 元（市中区网格化管理经费标准）"


def reword(apps, schema_editor):
    FundingRate = apps.get_model("funding", "FundingRate")
    FundingRate.objects.filter(effective_from=datetime.date(2000, 1, 1), note__in=OLD_NOTES).update(note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_report_reminded_on")]
    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
