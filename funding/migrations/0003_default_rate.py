"""The rate docs/domain.md §7 fixes: 60 yuan per household per year. Later rates are new
rows with their own effective date (funding.services.funding_rate_add)."""

import datetime

from django.db import migrations


def add(apps, schema_editor):
    FundingRate = apps.get_model("funding", "FundingRate")
    FundingRate.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1),
        defaults={"fen_per_household": 6000, "note": "每户每年 60 元（市中区网格化管理经费标准）"},
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_ledger_triggers")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
