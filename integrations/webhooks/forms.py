from django import forms

from accounts.selectors import organisations_administered_by
from integrations.webhooks.models import EVENTS, ORGANISATION_EVENTS


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label="Receiver URL",
        max_length=2000,
        assume_scheme="https",
        help_text="Waymark POSTs each message here, signed per Standard Webhooks.",
    )
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {words}") for name, words in EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="An organisation's webhook hears only of " + ", ".join(ORGANISATION_EVENTS) + ".",
    )
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Me (my own portfolio)",
        label="For",
        help_text="An organisation you administer, for what its admins see.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_administered_by(user)
