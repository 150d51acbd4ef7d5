"""Pages' forms. The questions' fields are built from the form's data, so a new form or an
organisation's extension needs no new page."""

from django import forms
from django.utils import timezone

from assessments.models import GMC_NUMBER
from assessments.schema import questions_by
from core.forms import DateInput
from portfolio.forms import REFLECTION_FIELDS, ItemChoiceField
from portfolio.models import TEXT_MAX_LENGTH

ANSWER_PREFIX = "answer_"


def question_field(question: dict) -> forms.Field:
    common = {
        "label": question["label"],
        "required": bool(question.get("required")),
        "help_text": question.get("help", ""),
    }
    if "choices" in question:
        return forms.ChoiceField(
            choices=[(c, c) for c in question["choices"]], widget=forms.RadioSelect, **common
        )
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), **common
    )


class AnswersForm(forms.Form):
    """The questions one side answers, as fields named answer_<key>."""

    def __init__(self, *args, questions: list[dict], who: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions_by(questions, who)
        for question in self.questions:
            self.fields[ANSWER_PREFIX + question["key"]] = question_field(question)

    def answers(self) -> dict:
        return {
            name.removeprefix(ANSWER_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(ANSWER_PREFIX) and value
        }

    def add_error(self, field, error):
        # A service names an answer by its question's key.
        if field is not None and ANSWER_PREFIX + field in self.fields:
            field = ANSWER_PREFIX + field
        super().add_error(field, error)


class StartForm(AnswersForm):
    title = forms.CharField(
        max_length=200, help_text="A few words about the case, without identifying the patient."
    )
    date = forms.DateField(initial=timezone.localdate, widget=DateInput())

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, who="trainee", **kwargs)
        self.order_fields(["title", "date"])
        if any(q["type"] == "items" for q in kwargs["questions"]):
            self.fields["items"] = ItemChoiceField(
                queryset=items,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label="Curriculum items",
                help_text="What this assessment is evidence for, from your programmes' curricula.",
            )
        for name, label in zip(
            REFLECTION_FIELDS,
            ("What happened", "What I learned", "What I will do differently"),
            strict=True,
        ):
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "date": data["date"],
            "answers": self.answers(),
            "items": list(data.get("items") or ()),
            **{name: data[name] for name in REFLECTION_FIELDS},
        }


class RequestForm(forms.Form):
    name = forms.CharField(label="Assessor's name", max_length=200)
    email = forms.EmailField(
        label="Assessor's email",
        help_text="If they have a Waymark account, it goes to their queue; "
        "otherwise Waymark emails them a link that works once, for 14 days.",
    )


class CompleteForm(AnswersForm):
    assessor_role = forms.CharField(
        label="Your role", max_length=200, help_text="For example, Consultant in acute medicine."
    )
    assessor_gmc_number = forms.CharField(
        label="Your GMC number",
        required=False,
        max_length=20,
        help_text="7 digits, if you have one.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    assessor_comment = forms.CharField(
        label="Anything else",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, with_name: bool, **kwargs):
        super().__init__(*args, who="assessor", **kwargs)
        if with_name:
            self.fields["assessor_name"] = forms.CharField(label="Your name", max_length=200)
            self.order_fields(["assessor_name", "assessor_role", "assessor_gmc_number"])

    def clean_assessor_gmc_number(self):
        # People copy numbers with spaces; the check is the model's.
        number = "".join(self.cleaned_data["assessor_gmc_number"].split())
        if number:
            GMC_NUMBER(number)
        return number

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "answers": self.answers(),
            "assessor_role": data["assessor_role"],
            "assessor_gmc_number": data["assessor_gmc_number"],
            "assessor_comment": data["assessor_comment"],
        }
        if "assessor_name" in data:
            fields["assessor_name"] = data["assessor_name"]
        return fields
