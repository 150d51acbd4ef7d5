"""seed_demo gives the demo trainee's programme review requirements and completed
assessments, and their forecast names at least one requirement at risk, and why."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from assessments.models import Assessment
from portfolio.selectors import supervised_entries
from reviews import selectors
from reviews.models import ReviewRequirement

pytestmark = pytest.mark.django_db


def test_the_demo_trainees_forecast_names_a_requirement_at_risk_and_why():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    [enrolment] = selectors.enrolments_of(trainee, trainee)

    forecast = selectors.forecast_for(enrolment, today=timezone.localdate(), you=True)

    assert len(forecast.rows) == ReviewRequirement.objects.count() == 5
    at_risk = {row.requirement.label: row.forecast for row in forecast.at_risk}
    # Nobody in the demo has done a DOPS, whatever the day the demo is seeded.
    dops = at_risk["DOPS"]
    assert dops.current == 0 and dops.missing == 2
    assert dops.sentence.startswith("0 of 2 DOPS;") and dops.sentence.endswith("2 more needed.")


def test_the_demo_trainees_assessments_are_completed_and_their_supervisors_see_them():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    supervisor = User.objects.get(email="supervisor1@waymark.example")

    completed = Assessment.objects.completed().filter(trainee=trainee)
    assert sorted(completed.values_list("assessment_type", flat=True)) == [
        "cbd",
        "mini_cex",
        "mini_cex",
    ]
    seen = supervised_entries(supervisor, trainee).filter(kind="assessment")
    assert seen.count() == 3
