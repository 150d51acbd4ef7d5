"""Sign-offs record which version of the content hash they were given with.

Every sign-off already given was hashed with version 1, so the column is added with 1 for
the rows there are: ADD COLUMN with a default fills them without an UPDATE, which the
append-only trigger on PostgreSQL would refuse. New sign-offs default to the current version.
"""

from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError


def refuse_to_forget_versions(apps, schema_editor):
    # Without the column, a sign-off hashed with a later version would be read as version 1
    # once migrated forward again, and would look altered for ever.
    SignOff = apps.get_model("portfolio", "SignOff")
    later = SignOff.objects.exclude(hash_version=1).count()
    if later:
        raise IrreversibleError(
            f"{later} sign-offs were hashed with a later version than 1; the versions they "
            "record cannot be dropped."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0006_normal_tag_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="signoff",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="signoff",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(migrations.RunPython.noop, refuse_to_forget_versions),
    ]
