from django import forms


class ImportForm(forms.Form):
    archive = forms.FileField(
        label="Portfolio archive",
        help_text="The .zip another Waymark gave you when you exported your portfolio.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
