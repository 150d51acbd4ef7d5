"""Enrolments get a uid, so a portable archive names them without database ids."""

import uuid

from django.db import migrations, models


def fill_uids(*model_names):
    """Give every existing row its own uid, in batches (the model's default is the same
    value for every row AddField fills), before the column becomes unique."""

    def fill(apps, schema_editor):
        for name in model_names:
            model = apps.get_model("curriculum", name)
            rows = model.objects.filter(uid__isnull=True).only("pk")
            while batch := list(rows[:1000]):
                for row in batch:
                    row.uid = uuid.uuid4()
                model.objects.bulk_update(batch, ["uid"])

    return fill


def unique_uid():
    return models.UUIDField(default=uuid.uuid4, editable=False, unique=True)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(fill_uids("Enrolment"), migrations.RunPython.noop),
        migrations.AlterField(model_name="enrolment", name="uid", field=unique_uid()),
    ]
