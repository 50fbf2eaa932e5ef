"""The first rate's note cited a section of a design file outside the project; it now says what
the rate is, in the words of the pages. A note someone wrote by hand is kept."""

import datetime

from django.db import migrations

NOTE = "每户每年 60 元（市中区网格化管理经费标准）"


def reword(apps, schema_editor):
    FundingRate = apps.get_model("funding", "FundingRate")
    first = FundingRate.objects.filter(effective_from=datetime.date(2000, 1, 1))
    first.filter(note__startswith="60 yuan per household per year (", note__endswith="§7)").update(note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("funding", "0004_report_reminded_on")]
    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
