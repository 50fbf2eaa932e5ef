"""ResidentTag.next_visit_on: the day each tag's next follow-up is due, stored so that the
due-visits list is an indexed range read (visits.selectors.due_visits).

Added nullable, computed for the existing rows from their follow-ups here, then made NOT NULL
and indexed in 0004 (a separate transaction: PostgreSQL refuses to alter a table with
pending trigger events left by the updates)."""

import datetime

from django.db import migrations, models
from django.db.models import Max

BATCH = 2000


def compute_next_visit_on(apps, schema_editor):
    # The rule of residents.services.next_visit_due, repeated here against the historical
    # models (a migration must not import today's code).
    ResidentTag = apps.get_model("residents", "ResidentTag")
    ids = list(ResidentTag.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), BATCH):
        rows = (
            ResidentTag.objects.filter(pk__in=ids[i : i + BATCH])
            .values_list("pk", "start_date", "category__visit_interval_days")
            .annotate(last=Max("followups__visited_on"))
            .order_by()
        )
        updates = [
            ResidentTag(
                pk=pk, next_visit_on=start if last is None else last + datetime.timedelta(days=interval)
            )
            for pk, start, interval, last in rows
        ]
        ResidentTag.objects.bulk_update(updates, ["next_visit_on"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0002_resident_id_number_hash_index"),
        # FollowUp (the reverse relation `followups` read above) lives in the visits app.
        ("visits", "0002_proxy_taken_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="residenttag",
            name="next_visit_on",
            field=models.DateField(editable=False, null=True, verbose_name="next follow-up due"),
        ),
        migrations.RunPython(compute_next_visit_on, migrations.RunPython.noop, elidable=True),
    ]
