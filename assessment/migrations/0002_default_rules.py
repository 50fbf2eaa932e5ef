"""The default rule set of docs/domain.md §6, in force from the start: the model's defaults."""

import datetime

from django.db import migrations


def default_rules(apps, schema_editor):
    RuleSet = apps.get_model("assessment", "RuleSet")
    RuleSet.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1), defaults={"note": ""}
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(default_rules, migrations.RunPython.noop)]
