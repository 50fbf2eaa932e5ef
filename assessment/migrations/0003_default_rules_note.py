"""The built-in rule set's note cited a section of a design file outside the project; the pages
now call that rule set 系统默认规则 themselves (RuleSet.is_system_default), so the note is left
empty. A note someone wrote by hand is kept."""

import datetime

from django.db import migrations


def clear_note(apps, schema_editor):
    RuleSet = apps.get_model("assessment", "RuleSet")
    built_in = RuleSet.objects.filter(effective_from=datetime.date(2000, 1, 1), created_by__isnull=True)
    built_in.filter(note__endswith="§6 default").update(note="")


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_default_rules")]
    operations = [migrations.RunPython(clear_note, migrations.RunPython.noop)]
