from collections import Counter

from django.db import migrations, models
from django.db.models import Count


def count_places(apps, schema_editor):
    """Each list's holders as they stand, counted once here."""
    taken = Counter()
    for model in ("OpenBadgeCredential", "Endorsement"):
        rows = apps.get_model("badges", model).objects.values("status_list")
        taken.update(dict(rows.annotate(n=Count("pk")).values_list("status_list", "n")))
    StatusList = apps.get_model("badges", "StatusList")
    for list_id, count in taken.items():
        StatusList.objects.filter(pk=list_id).update(places_taken=count)


class Migration(migrations.Migration):
    dependencies = [("badges", "0015_progress_share")]

    operations = [
        migrations.AddField(
            model_name="statuslist",
            name="places_taken",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_places, migrations.RunPython.noop),
    ]
