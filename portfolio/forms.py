from decimal import Decimal

from django import forms
from django.utils import timezone

from core.forms import DateInput, TimeInput
from portfolio.identifiers import patient_identifier_warnings
from portfolio.models import (
    LOGGABLE_KINDS,
    TEXT_MAX_LENGTH,
    LearningEntry,
    validate_entry_date,
)

LEARNING_FIELDS = (
    "kind", "title", "date", "time", "duration_minutes", "cpd_credits",
    "provider", "location", "description", "tags",
)  # fmt: skip
REFLECTION_FIELDS = ("reflection_what_happened", "reflection_learned", "reflection_next_time")


class QuickLogForm(forms.Form):
    """The first screen on a phone: four fields, then save."""

    kind = forms.ChoiceField(choices=LOGGABLE_KINDS, label="What kind of learning?")
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=1,
        max_value=60 * 24 * 14,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="CPD credits are worked out from this: one per hour.",
    )


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.code} {item.title}"


class EntryForm(forms.ModelForm):
    """Everything about an entry. Shown after the quick log, and for later edits."""

    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Separate tags with commas, for example: sepsis, night shift.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    items = ItemChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Curriculum items",
        help_text="What this entry is evidence for, from your programmes' curricula.",
    )
    identifiers_checked = forms.BooleanField(
        required=False,
        label="I have checked my reflection: no patient can be identified from it",
    )

    class Meta:
        model = LearningEntry
        fields = [*LEARNING_FIELDS, "items", *REFLECTION_FIELDS, "reflection_shared"]
        widgets = {
            "date": DateInput(),
            "time": TimeInput(),
            "duration_minutes": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "cpd_credits": forms.NumberInput(
                attrs={"step": "0.25", "min": "0", "inputmode": "decimal"}
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
            "reflection_what_happened": forms.Textarea(attrs={"rows": 3}),
            "reflection_learned": forms.Textarea(attrs={"rows": 3}),
            "reflection_next_time": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"duration_minutes": "Duration (minutes)"}
        help_texts = {
            "cpd_credits": "One per hour by default, in quarter steps; "
            "change it if your provider says otherwise.",
            "reflection_shared": "Your reflection is private unless you tick this. "
            "You can see when your supervisors read it.",
        }

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["items"] = [m.item_id for m in self.instance.mappings.all()]
        self.identifier_warnings: list[str] = []

    def clean_cpd_credits(self):
        credits = self.cleaned_data.get("cpd_credits")
        if credits is not None and (credits < 0 or (credits * 4) % 1 != 0):
            raise forms.ValidationError("CPD credits go in quarter steps: 0.25, 0.5, 0.75, 1 …")
        return credits if credits is not None else Decimal("0")

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self):
        data = super().clean()
        text = "\n".join(data.get(name) or "" for name in REFLECTION_FIELDS)
        self.identifier_warnings = patient_identifier_warnings(text)
        return data

    def learning_fields(self):
        return [self[name] for name in LEARNING_FIELDS]

    def reflection_fields(self):
        return [self[name] for name in (*REFLECTION_FIELDS, "reflection_shared")]

    @property
    def needs_identifier_check(self) -> bool:
        """Warn before saving, never block: the trainee confirms and saves again."""
        return bool(self.identifier_warnings) and not self.cleaned_data.get("identifiers_checked")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("identifiers_checked", None)
        return data


class SubmitForm(forms.Form):
    supervisor = forms.ModelChoiceField(queryset=None, empty_label=None, label="Send to")

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].label_from_instance = lambda user: f"{user} ({user.email})"


class DecisionForm(forms.Form):
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional when signing off; needed when returning the entry.",
    )


class BatchSignOffForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. The same comment goes with each sign-off.",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept in the entry's history."
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="A photo, a PDF, or an audio or video reflection "
        "(PDF, PNG, JPEG, WebP, MP3, M4A, MP4).",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,.mp3,.m4a,.mp4,image/*"}
        ),
    )
    url = forms.URLField(required=False, label="Or a link", max_length=1000, assume_scheme="https")
    title = forms.CharField(required=False, max_length=200, help_text="Optional: what this is.")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("file") and not data.get("url"):
            self.add_error("file", "Choose a file or give a link.")
        elif data.get("file") and data.get("url"):
            self.add_error("url", "Add a file or a link, not both at once.")
        return data


class ReadingListUploadForm(forms.Form):
    file = forms.FileField(
        label="Reading list",
        help_text="Exported from Zotero, Mendeley or EndNote as BibTeX (.bib), RIS (.ris) or "
        "CSL JSON (.json), up to 1 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.ris,.json,.txt"}),
    )


class ReadingListImportForm(forms.Form):
    """Which of the previewed references to log. The references themselves come back in the
    signed preview, never from the form's fields."""

    preview = forms.CharField(widget=forms.HiddenInput)
    chosen = forms.TypedMultipleChoiceField(
        label="References to log",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reference to log."},
    )
    read_on = forms.DateField(
        label="Date read",
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[validate_entry_date],
        help_text="Each entry is dated this day; change one later on its page.",
    )

    def __init__(self, *args, reading_list, already_logged=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        # Every reference may be chosen, so that a form sent twice (a double click) is not
        # refused; the import leaves those already logged as they are. Offered ticked are
        # those not yet in the portfolio.
        self.fields["chosen"].choices = [
            (index, reference.title) for index, reference in enumerate(reading_list.references)
        ]
        if not self.is_bound:
            self.initial["chosen"] = [
                index
                for index, reference in enumerate(reading_list.references)
                if reference.identity not in already_logged
            ]
