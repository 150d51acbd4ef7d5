"""Uploaded images are processed by a worker: evidence has a state (existing evidence is
ready), the reason a file was refused, and how often processing was tried. A refused file
has no file left, which the check constraint now allows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0007_sign_off_hash_version"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="evidence",
            name="evidence_has_file_or_link",
        ),
        migrations.AddField(
            model_name="evidence",
            name="processing_attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="evidence",
            name="refusal",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="evidence",
            name="state",
            field=models.CharField(
                choices=[
                    ("processing", "Being processed"),
                    ("ready", "Ready"),
                    ("refused", "Refused"),
                ],
                default="ready",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(
                condition=models.Q(("state", "processing")),
                fields=["created_at"],
                name="evidence_processing",
            ),
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "file"),
                        models.Q(("state", "refused"), _negated=True),
                        models.Q(("file", ""), _negated=True),
                    ),
                    models.Q(("file", ""), ("kind", "file"), ("state", "refused")),
                    models.Q(
                        ("kind", "link"), ("state", "ready"), models.Q(("url", ""), _negated=True)
                    ),
                    _connector="OR",
                ),
                name="evidence_file_until_refused_or_link",
            ),
        ),
    ]
