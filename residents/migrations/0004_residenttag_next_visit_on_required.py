from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0003_residenttag_next_visit_on"),
    ]

    operations = [
        migrations.AlterField(
            model_name="residenttag",
            name="next_visit_on",
            field=models.DateField(editable=False, verbose_name="next follow-up due"),
        ),
        migrations.AddIndex(
            model_name="residenttag",
            index=models.Index(fields=["next_visit_on"], name="residenttag_next_visit"),
        ),
    ]
