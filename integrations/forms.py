from django import forms

from accounts.selectors import organisations_administered_by
from integrations.services import AUTHORIZATION_CODE, CLIENT_CREDENTIALS


class ApplicationForm(forms.Form):
    name = forms.CharField(max_length=255, help_text="People see this when asked to allow it.")
    redirect_uris = forms.CharField(
        label="Redirect URIs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where Waymark sends people back after they allow the app; one per line.",
    )
    public = forms.BooleanField(
        label="Public client",
        required=False,
        help_text="For apps on people's phones or in their browsers, which cannot keep a "
        "secret. Public clients get no secret.",
    )
    grant = forms.ChoiceField(
        label="Grant",
        choices=[
            (AUTHORIZATION_CODE, "Acts for people who allow it (authorization code)"),
            (CLIENT_CREDENTIALS, "Acts for your organisation alone (client credentials)"),
        ],
        initial=AUTHORIZATION_CODE,
    )
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Me",
        label="Owned by",
        help_text="An organisation you administer, for its own integrations.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_administered_by(user)
