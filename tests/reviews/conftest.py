"""An enrolled trainee with an educational supervisor, a programme asking for assessments,
CPD credits and coverage by the review, and helpers to give the trainee completed
assessments."""

import pytest
from django.core.cache import cache

from accounts.models import Role, Supervision
from assessments import services as assessment_services
from assessments.models import AssessmentForm
from curriculum.models import Requirement
from reviews import services
from tests.conftest import member
from tests.factories import SupervisionFactory


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Assessment requests are counted per trainee in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enrolment(enrolled_trainee):
    return enrolled_trainee.enrolments.select_related("programme").get()


@pytest.fixture
def programme(enrolment, fpcs):
    programme = enrolment.programme
    for code in ("FPC1", "FPC2", "FPC3"):
        Requirement.objects.create(programme=programme, item=fpcs[code], signed_off_required=False)
    return programme


@pytest.fixture
def educational_supervisor(supervisor):
    """The trainee's supervisor (the persona), who is their educational supervisor."""
    assert supervisor.supervisions_given.get().kind == Supervision.Kind.EDUCATIONAL
    return supervisor


@pytest.fixture
def clinical_supervisor(org_a, enrolled_trainee):
    user = member(org_a, Role.SUPERVISOR, email="clinical@example.org")
    SupervisionFactory(
        supervisor=user,
        trainee=enrolled_trainee,
        organisation=org_a,
        kind=Supervision.Kind.CLINICAL,
    )
    return user


@pytest.fixture
def requirements(programme, org_admin):
    def set_(kind, target, assessment_type=""):
        return services.set_review_requirement(
            actor=org_admin,
            programme=programme,
            kind=kind,
            target=target,
            assessment_type=assessment_type,
        )

    return {
        "cbd": set_("assessments", 4, "cbd"),
        "mini_cex": set_("assessments", 2, "mini_cex"),
        "cpd": set_("cpd_credits", 50),
        "coverage": set_("coverage", 3),
    }


@pytest.fixture
def completed_assessment(enrolled_trainee, educational_supervisor):
    """complete(code, date): an assessment of one of Waymark's forms, its case dated `date`,
    completed by the educational supervisor from their queue."""
    assessment_services.install_base_forms()

    def complete(code, date, items=()):
        form = AssessmentForm.objects.get(organisation=None, code=code)
        questions = form.all_questions()
        assessment = assessment_services.start_assessment(
            actor=enrolled_trainee,
            form=form,
            title=f"A {form.name} on {date}",
            date=date,
            answers={
                q["key"]: "A case."
                for q in questions
                if q["by"] == "trainee" and q["type"] == "text"
            },
            items=items,
        )
        assessment_services.request_assessment(
            actor=enrolled_trainee,
            assessment=assessment,
            name="Supervisor",
            email=educational_supervisor.email,
        )
        return assessment_services.complete_as_assessor(
            actor=educational_supervisor,
            assessment=assessment,
            answers={
                q["key"]: q["choices"][0] if "choices" in q else "Well done."
                for q in questions
                if q["by"] == "assessor"
            },
            assessor_role="Educational supervisor",
        )

    return complete


REPORT_ANSWERS = {
    "overall_progress": "Steady progress on the acute medical take.",
    "strengths": "Calm under pressure; clear handovers.",
    "development_needs": "More DOPS; lead a teaching session.",
    "recommendation": "Satisfactory progress",
}


def signed_report(enrolment, supervisor, answers=REPORT_ANSWERS):
    """A report by the trainee's educational supervisor, written and signed."""
    report = services.start_report(actor=supervisor, enrolment=enrolment)
    services.save_report(
        actor=supervisor,
        report=report,
        answers=answers,
        period_start=report.period_start,
        period_end=report.period_end,
    )
    return services.sign_report(actor=supervisor, report=report)
