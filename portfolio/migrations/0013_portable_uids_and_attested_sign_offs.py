"""Entries, evidence and sign-off requests get uids, so a portable archive names them without
database ids, and sign-offs attested by another site's archive have a table of their own."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_uids(*model_names):
    """Give every existing row its own uid, in batches (the model's default is the same
    value for every row AddField fills), before the column becomes unique."""

    def fill(apps, schema_editor):
        for name in model_names:
            model = apps.get_model("portfolio", name)
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
        ("portfolio", "0012_supervisor_last_viewed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.AddField(
            model_name="learningentry",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.AddField(
            model_name="signoffrequest",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.CreateModel(
            name="AttestedSignOff",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uid", unique_uid()),
                ("site", models.URLField(max_length=500)),
                ("supervisor_name", models.CharField(max_length=200)),
                (
                    "supervisor_gmc_number",
                    models.CharField(
                        blank=True, max_length=7, verbose_name="supervisor's GMC number"
                    ),
                ),
                ("requested_at", models.DateTimeField()),
                ("outcome", models.CharField(max_length=20)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("request_comment", models.TextField(blank=True)),
                ("signed_at", models.DateTimeField(blank=True, null=True)),
                ("content_hash", models.CharField(blank=True, max_length=64)),
                ("hash_version", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("comment", models.TextField(blank=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawal_reason", models.TextField(blank=True)),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attested_sign_offs",
                        to="portfolio.learningentry",
                    ),
                ),
                (
                    "trainee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("outcome", "approved"), ("signed_at__isnull", False)),
                            models.Q(
                                models.Q(("outcome", "approved"), _negated=True),
                                ("signed_at__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="attested_sign_off_dated_when_approved",
                    )
                ],
            },
        ),
        migrations.RunPython(
            fill_uids("LearningEntry", "Evidence", "SignOffRequest"), migrations.RunPython.noop
        ),
        migrations.AlterField(model_name="learningentry", name="uid", field=unique_uid()),
        migrations.AlterField(model_name="evidence", name="uid", field=unique_uid()),
        migrations.AlterField(model_name="signoffrequest", name="uid", field=unique_uid()),
    ]
