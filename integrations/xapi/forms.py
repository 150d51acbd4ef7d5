from django import forms

from integrations.xapi import selectors


class ConnectProviderForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None,
        to_field_name="slug",
        label="Provider",
        empty_label=None,
        help_text="Its completions for you become learning entries in your portfolio.",
    )
    account_home_page = forms.URLField(
        assume_scheme="https",
        label="Account home page",
        required=False,
        help_text="Only if the provider knows you by an account rather than your email: "
        "its address, as it sends it.",
    )
    account_name = forms.CharField(
        label="Account name at the provider",
        required=False,
        max_length=200,
        help_text="Your user name or id there. Leave empty to be matched by your verified "
        "email addresses.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.providers()
