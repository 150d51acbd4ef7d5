"""What the forecast counts from the portfolio: assessments once completed, dated in the
review period; CPD credits in the period; the programme's curriculum requirements met."""

from datetime import timedelta
from decimal import Decimal

import pytest

from assessments import services as assessment_services
from assessments.models import AssessmentForm
from reviews import selectors, services

pytestmark = pytest.mark.django_db


def rows_by_label(forecast):
    return {row.requirement.label: row for row in forecast.rows}


def test_only_completed_assessments_in_the_period_count(
    requirements, enrolment, enrolled_trainee, completed_assessment, frozen_today, org_admin
):
    completed_assessment("cbd", frozen_today - timedelta(days=10))
    # Waiting for its assessor: not yet.
    form = AssessmentForm.objects.get(organisation=None, code="cbd")
    assessment_services.start_assessment(
        actor=enrolled_trainee,
        form=form,
        title="Sent, not completed",
        date=frozen_today - timedelta(days=5),
        answers={"setting": "Ward."},
    )
    # A case from before the review period (the review moved so that it starts later).
    completed_assessment("cbd", frozen_today - timedelta(days=20))
    services.set_review_date(
        actor=org_admin,
        enrolment=enrolment,
        review_date=frozen_today + timedelta(days=350),  # the period begins 15 days ago
    )
    enrolment = selectors.access_enrolment(enrolled_trainee, enrolment.pk)

    forecast = selectors.forecast_for(enrolment, today=frozen_today, you=True)

    assert forecast.period_start == frozen_today - timedelta(days=14)
    cbd = rows_by_label(forecast)["Case-based discussion (CBD)"].forecast
    assert cbd.current == 1


def test_each_requirement_is_forecast_with_what_is_missing(
    requirements, enrolment, enrolled_trainee, completed_assessment, frozen_today, log, fpcs
):
    # 30 days into a 365-day year: one mini-CEX is on course for 12, one CBD short of 4 is
    # too; credits at 1 a month fall short; one of three required items is met.
    completed_assessment("mini-cex", frozen_today - timedelta(days=3), items=[fpcs["FPC1"]])
    log(title="Journal club", date=frozen_today - timedelta(days=1), cpd_credits=1)

    forecast = selectors.forecast_for(
        selectors.access_enrolment(enrolled_trainee, enrolment.pk), today=frozen_today, you=True
    )
    rows = rows_by_label(forecast)

    assert rows["Mini-CEX"].forecast.status == "on_track"
    cbd = rows["Case-based discussion (CBD)"].forecast
    assert cbd.status == "at_risk" and cbd.missing == 4
    assert cbd.sentence.startswith("0 of 4 CBDs; none since")
    cpd = rows["CPD credits"].forecast
    assert cpd.current == Decimal("1") and cpd.status == "at_risk"
    coverage = rows["Curriculum requirements met"]
    assert coverage.forecast.current == 1
    assert [r.item.code for r in coverage.unmet] == ["FPC2", "FPC3"]
    assert forecast.counts == {"met": 0, "on_track": 2, "at_risk": 2}


def test_a_programme_asking_nothing_has_nothing_to_forecast(
    enrolment, enrolled_trainee, frozen_today
):
    forecast = selectors.forecast_for(
        selectors.access_enrolment(enrolled_trainee, enrolment.pk), today=frozen_today, you=True
    )
    assert forecast.rows == []


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("enrolled_trainee", True),
        ("educational_supervisor", True),
        ("clinical_supervisor", True),
        ("org_admin", True),
        ("org_b_admin", False),
        ("other_trainee", False),
    ],
)
def test_who_may_see_an_enrolments_forecast(request, persona, sees, enrolment):
    user = request.getfixturevalue(persona)
    assert selectors.enrolments_visible_to(user).filter(pk=enrolment.pk).exists() is sees


def test_a_supervision_that_has_ended_no_longer_sees_it(
    enrolment, educational_supervisor, frozen_today
):
    supervision = educational_supervisor.supervisions_given.get()
    supervision.end_date = frozen_today - timedelta(days=1)
    supervision.save()
    assert not selectors.enrolments_visible_to(educational_supervisor).exists()
