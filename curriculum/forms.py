from django import forms
from django.utils import timezone

from accounts.forms import PersonChoiceField
from core.forms import DateInput
from curriculum.models import Framework


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        max_length=200, help_text="For example “Foundation Year 1, August 2026”."
    )
    frameworks = forms.ModelMultipleChoiceField(
        queryset=Framework.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The curricula this programme maps learning to.",
    )
    start_date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    # That it ends after it starts is the service's rule (core.dated.check_dates), shown
    # beside this field like any other.
    end_date = forms.DateField(required=False, widget=DateInput())


class EnrolmentForm(forms.Form):
    trainee = PersonChoiceField(queryset=None, empty_label="Choose a trainee")
    start_date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    end_date = forms.DateField(required=False, widget=DateInput())

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = trainees


class EndEnrolmentForm(forms.Form):
    end_date = forms.DateField(initial=timezone.localdate, widget=DateInput())


class RequirementForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, empty_label="Choose a curriculum item")
    min_entries = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=1,
        label="Entries needed",
        help_text="At least this many entries.",
    )
    signed_off_required = forms.BooleanField(
        required=False, initial=True, label="Only entries signed off by a supervisor count"
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.code} — {item.title}"


class BulkRequirementForm(forms.Form):
    """Require every item at one level of the tree, e.g. every FPC under the HLOs."""

    # It shares a page with RequirementForm, whose fields have the same names: the prefix
    # keeps the two forms' ids (and so their labels and error links) apart.
    prefix = "bulk"
    LEVELS = [("leaves", "Every item without sub-items"), ("roots", "Every top-level item")]
    level = forms.ChoiceField(choices=LEVELS, widget=forms.RadioSelect, initial="leaves")
    min_entries = forms.IntegerField(min_value=1, max_value=100, initial=1, label="Entries needed")
    signed_off_required = forms.BooleanField(
        required=False, initial=True, label="Only entries signed off by a supervisor count"
    )
