from django import forms

from core.forms import DateInput
from exports.filters import Chosen, default_period
from portfolio import selectors as portfolio_selectors
from portfolio.models import Kind


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.code} {item.title}"


class PdfExportForm(forms.Form):
    """What to put in a PDF portfolio. The rules (the period's order, the trainee's own
    items) are exports.filters', shared with the API."""

    date_from = forms.DateField(
        label="From", required=False, widget=DateInput(), help_text="Default: 1 April."
    )
    date_to = forms.DateField(
        label="To", required=False, widget=DateInput(), help_text="Default: 31 March."
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of entry",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every kind.",
    )
    items = ItemChoiceField(
        label="Curriculum items",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Entries mapped to these items or to items under them. Leave all unticked "
        "for every entry.",
    )
    signed_off_only = forms.BooleanField(label="Signed-off entries only", required=False)
    include_reflections = forms.BooleanField(
        label="Include my reflections",
        required=False,
        help_text="Reflections are private to you: include them only if the reader should see "
        "them.",
    )

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = default_period()
        # The current appraisal year, named, so that "default" says which days.
        self.fields["date_from"].help_text = f"Default: {start:%-d %B %Y}."
        self.fields["date_to"].help_text = f"Default: {end:%-d %B %Y}."
        self.fields["items"].queryset = portfolio_selectors.allowed_items(trainee).order_by(
            "framework_id", "position", "code"
        )

    def chosen(self) -> Chosen:
        data = self.cleaned_data
        return Chosen(
            date_from=data["date_from"],
            date_to=data["date_to"],
            kinds=list(data["kinds"]),
            items=[item.pk for item in data["items"]],
            signed_off_only=data["signed_off_only"],
            include_reflections=data["include_reflections"],
        )


class ImportForm(forms.Form):
    archive = forms.FileField(
        label="Portfolio archive",
        help_text="The .zip another Waymark gave you when you exported your portfolio.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
