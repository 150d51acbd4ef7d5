"""What a programme asks for its annual review, and review dates: its organisation's admins
set them, audited; nobody else can."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from reviews import selectors, services
from reviews.models import ReviewRequirement, SupervisorReport
from reviews.questions import DEFAULT_QUESTIONS

pytestmark = pytest.mark.django_db


def set_requirement(actor, programme, **fields):
    return services.set_review_requirement(
        actor=actor, programme=programme, **{"kind": "cpd_credits", "target": 50, **fields}
    )


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_only_the_programmes_admins_set_review_requirements(request, persona, programme):
    with pytest.raises(PermissionDenied):
        set_requirement(request.getfixturevalue(persona), programme)
    assert not ReviewRequirement.objects.exists()


def test_an_admin_sets_a_requirement_audited_on_the_organisations_chain(org_admin, programme):
    requirement = set_requirement(
        org_admin, programme, kind="assessments", assessment_type="cbd", target=4
    )

    assert requirement.label == "Case-based discussion (CBD)" and requirement.target == 4
    logged = AuditEntry.objects.get(action="set_review_requirement")
    assert logged.chain == f"organisation:{programme.organisation_id}"
    assert logged.payload["target"] == 4


def test_the_same_kind_is_replaced_not_repeated(org_admin, programme):
    set_requirement(org_admin, programme, kind="assessments", assessment_type="cbd", target=4)
    set_requirement(org_admin, programme, kind="assessments", assessment_type="cbd", target=6)
    set_requirement(org_admin, programme, kind="assessments", assessment_type="dops", target=2)

    assert sorted(ReviewRequirement.objects.values_list("assessment_type", "target")) == [
        ("cbd", 6),
        ("dops", 2),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "assessments"}, "assessment_type", "Choose which type of assessment counts."),
        ({"assessment_type": "cbd"}, "assessment_type", "Only a count of assessments has a type."),
        ({"target": 0}, "target", "The target is a whole number, at least 1."),
        ({"kind": "coverage", "target": 4}, "target", "at most 3 can be met"),
        ({"kind": "holidays"}, "kind", "Choose what the requirement counts."),
    ],
)
def test_requirements_that_make_no_sense_are_refused_by_field(
    org_admin, programme, fields, field, message
):
    with pytest.raises(ValidationError) as refused:
        set_requirement(org_admin, programme, **fields)
    assert message in refused.value.message_dict[field][0]


def test_removing_a_requirement_is_audited(org_admin, programme):
    requirement = set_requirement(org_admin, programme)
    services.remove_review_requirement(actor=org_admin, requirement=requirement)

    assert not ReviewRequirement.objects.exists()
    assert AuditEntry.objects.filter(action="remove_review_requirement").count() == 1


def test_the_review_date_defaults_to_a_year_of_training_and_an_admin_may_move_it(
    org_admin, enrolment
):
    assert selectors.review_date_of(enrolment) == (
        enrolment.start_date.replace(year=enrolment.start_date.year + 1) - timedelta(days=1)
    )
    earlier = enrolment.start_date + timedelta(days=300)
    services.set_review_date(actor=org_admin, enrolment=enrolment, review_date=earlier)

    enrolment.refresh_from_db()
    assert selectors.review_date_of(enrolment) == earlier
    logged = AuditEntry.objects.get(action="set_review_date")
    assert logged.chain == f"user:{enrolment.trainee_id}"


def test_a_review_date_is_after_the_enrolment_starts_and_only_admins_set_it(
    org_admin, supervisor, enrolment
):
    with pytest.raises(ValidationError) as refused:
        services.set_review_date(
            actor=org_admin, enrolment=enrolment, review_date=enrolment.start_date
        )
    assert "review_date" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.set_review_date(
            actor=supervisor, enrolment=enrolment, review_date=enrolment.start_date + timedelta(1)
        )


# --- Report questions ------------------------------------------------------------------------

OWN_QUESTIONS = [
    {"key": "summary", "type": "text", "label": "Summary", "required": True},
    {"key": "outcome", "type": "choice", "label": "Outcome", "choices": ["Pass", "Not yet"]},
]


def test_a_programme_replaces_the_default_questions_and_may_go_back(org_admin, programme):
    assert selectors.report_questions_of(programme) == DEFAULT_QUESTIONS

    services.set_report_questions(actor=org_admin, programme=programme, questions=OWN_QUESTIONS)
    assert selectors.report_questions_of(programme) == OWN_QUESTIONS

    services.set_report_questions(actor=org_admin, programme=programme, questions=[])
    assert selectors.report_questions_of(programme) == DEFAULT_QUESTIONS


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        ([{"key": "x", "type": "choice", "label": "X"}], "'choices' is a required property"),
        ([{"key": "Bad key", "type": "text", "label": "X"}], "does not match"),
        (
            [
                {"key": "a", "type": "text", "label": "A"},
                {"key": "a", "type": "text", "label": "B"},
            ],
            "repeated: a",
        ),
    ],
)
def test_questions_are_checked_and_each_problem_named(org_admin, programme, questions, problem):
    with pytest.raises(ValidationError) as refused:
        services.set_report_questions(actor=org_admin, programme=programme, questions=questions)
    assert any(problem in p for p in refused.value.message_dict["questions"])


def test_a_report_already_started_keeps_its_questions(
    org_admin, programme, enrolment, educational_supervisor
):
    report = services.start_report(actor=educational_supervisor, enrolment=enrolment)
    services.set_report_questions(actor=org_admin, programme=programme, questions=OWN_QUESTIONS)

    report.refresh_from_db()
    assert report.questions == DEFAULT_QUESTIONS
    assert SupervisorReport.objects.get().questions == DEFAULT_QUESTIONS
