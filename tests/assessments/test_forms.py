"""Assessment forms are data: Waymark's own, loaded from assessments/data, and an
organisation's extension of one, which asks its own questions after the base form's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import AssessmentForm, AssessmentType
from assessments.schema import clean_answers

pytestmark = pytest.mark.django_db

EXTRA = [{"key": "sepsis_six", "type": "text", "by": "assessor", "label": "Sepsis six given?"}]


def test_waymark_has_a_form_for_each_assessment_type():
    base = AssessmentForm.objects.filter(organisation=None)
    assert {f.assessment_type for f in base} == set(AssessmentType.values)
    assert services.install_base_forms() == base.count()  # again: nothing new
    assert AssessmentForm.objects.filter(organisation=None).count() == len(AssessmentType.values)


def test_an_organisation_extends_a_form_with_its_own_questions(org_a, org_admin, mini_cex):
    form = services.extend_form(
        actor=org_admin, organisation=org_a, base=mini_cex, code="mini-cex-ed", name="ED mini-CEX",
        questions=EXTRA,
    )  # fmt: skip
    keys = [q["key"] for q in form.all_questions()]
    assert keys[: len(mini_cex.questions)] == [q["key"] for q in mini_cex.questions]
    assert keys[-1] == "sepsis_six"
    assert form.assessment_type == AssessmentType.MINI_CEX


def test_only_the_organisations_admins_extend_its_forms(org_a, trainee, mini_cex):
    with pytest.raises(PermissionDenied):
        services.extend_form(
            actor=trainee, organisation=org_a, base=mini_cex, code="x", name="X", questions=EXTRA
        )


def question(**fields):
    return [{"key": "q", "type": "text", "by": "assessor", "label": "A question", **fields}]


@pytest.mark.parametrize(
    ("questions", "problem"),
    [
        (question(key="overall"), "repeated: overall"),
        (question(type="scale"), "'choices' is a required"),
        (question(type="essay"), "'essay' is not one of"),
    ],
)
def test_an_extension_that_does_not_fit_the_schema_is_refused_with_reasons(
    org_a, org_admin, mini_cex, questions, problem
):
    with pytest.raises(ValidationError) as refused:
        services.extend_form(
            actor=org_admin, organisation=org_a, base=mini_cex, code="x", name="X",
            questions=questions,
        )  # fmt: skip
    assert problem in " ".join(refused.value.message_dict["questions"])


def test_answers_are_checked_against_their_questions(mini_cex):
    questions = mini_cex.all_questions()
    with pytest.raises(ValidationError) as refused:
        clean_answers(questions, "assessor", {"overall": "Superb", "history": ""})
    errors = refused.value.message_dict
    assert "Choose one of" in errors["overall"][0]
    assert errors["history"] == ["This question needs an answer."]


def test_the_demo_has_the_forms_even_after_they_were_emptied():
    from django.core.management import call_command

    AssessmentForm.objects.all().delete()
    call_command("seed_demo")
    assert AssessmentForm.objects.filter(organisation=None).count() == len(AssessmentType.values)
