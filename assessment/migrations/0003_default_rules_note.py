"""The built-in rule set's note named a file outside the project; the pages now call that rule
set 系统默认规则 themselves (RuleSet.is_system_default), so the note is left empty."""

import datetime

from django.db import migrations

OLD_NOTES = ("DESIGN.md §6 default", "docs/domain.md §6 default")


def clear_note(apps, schema_editor):
    RuleSet = apps.get_model("assessment", "RuleSet")
    RuleSet.objects.filter(effective_from=datetime.date(2000, 1, 1), note__in=OLD_NOTES).update(note="")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_default_rules")]
    operations = [migrations.RunPython(clear_note, migrations.RunPython.noop)]
