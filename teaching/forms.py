from django import forms

from accounts.forms import PersonChoiceField
from teaching.models import SESSION_MINUTES

# --- Trainees ------------------------------------------------------------------------------------


class CheckInForm(forms.Form):
    # Whether it is six digits is the check-in service's to say, with everything else.
    code = forms.CharField(
        label="Session code",
        max_length=12,
        help_text="The 6-digit code shown on the screen during the session.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}
        ),
    )


# --- Organisation admins -------------------------------------------------------------------------


class TeachingProgrammeForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="For example “FY1 teaching 2026–27”.")
    slug = forms.SlugField(
        max_length=80,
        help_text="Lower-case letters, digits and hyphens. Attendance badge rules use it.",
    )


class TeachingSessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts at",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        min_value=SESSION_MINUTES[0],
        max_value=SESSION_MINUTES[1],
        initial=60,
    )
    mandatory = forms.BooleanField(required=False, label="Mandatory for trainees")
    location = forms.CharField(max_length=200, required=False)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = PersonChoiceField.label_from_instance


class RegisterForm(forms.Form):
    trainees = PeopleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Present",
        error_messages={"required": "Tick at least one trainee who was there."},
    )

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainees"].queryset = trainees
