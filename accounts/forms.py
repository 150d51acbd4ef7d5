from datetime import timedelta

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone

from accounts import services
from accounts.models import Role, Supervision, User, gmc_number_validator
from core.forms import DateInput


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(
        max_length=200, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def signup(self, request, user):
        # allauth has just saved the new account; the name is set as the person's own
        # profile change, through the one place profiles change.
        services.update_profile(
            user=user,
            actor=user,
            full_name=self.cleaned_data["full_name"],
            registration_number=user.registration_number,
        )


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    registration_number = forms.CharField(
        label="GMC number",
        max_length=7,
        required=False,
        validators=[gmc_number_validator],
        help_text="Optional. Your 7-digit General Medical Council reference number.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TokenForm(forms.Form):
    EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("never", "Never")]

    name = forms.CharField(
        max_length=100, help_text="What the token is for, so you can recognise it later."
    )
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, initial="90", label="Expires after")

    def expires_in(self) -> timedelta | None:
        return services.TOKEN_LIFETIMES[self.cleaned_data["expires"]]


class InviteForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.TRAINEE)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class PersonChoiceField(forms.ModelChoiceField):
    """People are offered by name and email address: two doctors may share a name."""

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class SupervisionForm(forms.Form):
    supervisor = PersonChoiceField(queryset=User.objects.none())
    trainee = PersonChoiceField(queryset=User.objects.none())
    kind = forms.ChoiceField(choices=Supervision.Kind.choices)
    start_date = forms.DateField(initial=timezone.localdate, widget=DateInput())
    end_date = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave blank for an open-ended supervision.",
    )

    def __init__(self, *args, supervisors, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["trainee"].queryset = trainees


class EndSupervisionForm(forms.Form):
    end_date = forms.DateField(
        initial=timezone.localdate,
        widget=DateInput(),
        help_text="The last day of the supervision. Access to the trainee's entries ends after it.",
    )


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                validate_password(p1, User(email=self.email, full_name=data.get("full_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
