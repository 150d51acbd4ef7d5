"""Pages' forms. The report's fields are built from its questions, so a programme's own
questions need no new page."""

import json

from django import forms
from django.core.exceptions import ValidationError

from assessments.models import AssessmentType
from core.forms import DateInput
from portfolio.models import TEXT_MAX_LENGTH
from reviews.models import ReviewRequirement

ANSWER_PREFIX = "answer_"


def question_field(question: dict) -> forms.Field:
    # Required questions are required when signing, which the service checks: a draft may be
    # saved with some left blank.
    common = {"label": question["label"], "required": False, "help_text": question.get("help", "")}
    if question["type"] == "choice":
        return forms.ChoiceField(
            choices=[(c, c) for c in question["choices"]], widget=forms.RadioSelect, **common
        )
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}), **common
    )


class ReportForm(forms.Form):
    period_start = forms.DateField(label="Period from", widget=DateInput())
    period_end = forms.DateField(label="Period to", widget=DateInput())

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            field = question_field(question)
            if question.get("required"):
                field.help_text = " ".join(
                    filter(None, [field.help_text, "Needed before you sign."])
                )
            self.fields[ANSWER_PREFIX + question["key"]] = field

    def answers(self) -> dict:
        return {
            name.removeprefix(ANSWER_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(ANSWER_PREFIX) and value
        }

    def service_fields(self) -> dict:
        return {
            "answers": self.answers(),
            "period_start": self.cleaned_data["period_start"],
            "period_end": self.cleaned_data["period_end"],
        }

    def show_service_errors(self, error: ValidationError) -> None:
        """A service's refusal on the form, next to the fields it names: it names an answer
        by its question's key, the form's field by answer_<key>."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if ANSWER_PREFIX + name in self.fields:
                name = ANSWER_PREFIX + name
            self.add_error(name if name in self.fields else None, errors)


# --- Organisation admins ---------------------------------------------------------------------


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(
        label="What counts", choices=ReviewRequirement.Kind.choices, widget=forms.RadioSelect
    )
    assessment_type = forms.ChoiceField(
        label="Type of assessment",
        required=False,
        choices=[("", "Not an assessment count"), *AssessmentType.choices],
        help_text="Only for completed assessments.",
    )
    target = forms.IntegerField(
        label="Target by the review",
        min_value=1,
        max_value=10_000,
        help_text="How many assessments, CPD credits, or curriculum requirements met.",
    )


class ReviewDateForm(forms.Form):
    review_date = forms.DateField(label="Review date", widget=DateInput())


class QuestionsForm(forms.Form):
    questions = forms.CharField(
        label="Questions (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        help_text=(
            'A list of questions, each {"key", "type": "text" or "choice", "label", "help", '
            '"required", "choices"}. Leave empty to use Waymark’s default questions.'
        ),
    )

    def clean_questions(self):
        text = self.cleaned_data["questions"].strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"This is not JSON: {error.msg} at line {error.lineno}."
            ) from None
