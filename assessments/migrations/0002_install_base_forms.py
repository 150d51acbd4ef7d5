"""Waymark's own assessment forms, from assessments/data, so every site has them from the
start. `seed_demo` and deploys bring them up to date with assessments.services."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "uk-foundation-forms.json"


def install(apps, schema_editor):
    AssessmentForm = apps.get_model("assessments", "AssessmentForm")
    data = json.loads(DATA.read_text())
    for form in data["forms"]:
        AssessmentForm.objects.update_or_create(
            organisation=None,
            code=form["code"],
            defaults={
                "assessment_type": form["assessment_type"],
                "name": form["name"],
                "description": form["description"],
                "questions": form["questions"],
                "source": data["source"]["url"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_forms_assessments_and_tickets")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
