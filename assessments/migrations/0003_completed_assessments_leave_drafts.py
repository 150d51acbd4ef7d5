"""Entries of assessments completed before completion moved them out of the trainee's
drafts are moved now, so that their supervisors see them as they see those completed
since."""

from django.db import migrations


def mark_completed_entries_assessed(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    LearningEntry = apps.get_model("portfolio", "LearningEntry")
    completed = Assessment.objects.filter(state="completed").values("entry")
    LearningEntry.objects.filter(pk__in=completed, status="draft").update(status="assessed")


def mark_them_drafts_again(apps, schema_editor):
    LearningEntry = apps.get_model("portfolio", "LearningEntry")
    LearningEntry.objects.filter(status="assessed").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_install_base_forms"),
        ("portfolio", "0017_assessed_status"),
    ]

    operations = [
        migrations.RunPython(mark_completed_entries_assessed, mark_them_drafts_again),
    ]
