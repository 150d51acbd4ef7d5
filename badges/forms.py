import json

from django import forms

from accounts.forms import PersonChoiceField
from badges import selectors
from portfolio.models import LearningEntry

# --- Issuer administration -----------------------------------------------------------------------


class IssuerForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Shown on every badge this issuer awards.")
    url = forms.URLField(
        label="Website", assume_scheme="https", help_text="The issuer's public website."
    )
    email = forms.EmailField(help_text="Where people can ask about the badges.")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    image = forms.FileField(
        required=False,
        label="Logo",
        help_text="Optional. A PNG, shown with the issuer in every badge.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )


class RuleField(forms.CharField):
    """A badge rule written as JSON. Bad JSON is refused here, with where it goes wrong;
    whether the rule makes sense is for the service (rules.validate and more)."""

    widget = forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code-input"})

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"The rule is not valid JSON: {error.msg.lower()} at line {error.lineno}, "
                f"column {error.colno}."
            ) from None

    def prepare_value(self, value):
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        return f"{item.code} {item.title}"


class BadgeClassForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80,
        help_text="Lower-case letters, digits and hyphens. Other badges' rules use it to "
        "refer to this one.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What the badge stands for."
    )
    criteria = forms.CharField(
        label="Criteria",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the earner did, in words. Published with every award.",
    )
    rule = RuleField(
        required=False,
        help_text="When Waymark awards the badge by itself, as JSON. Leave empty for a badge "
        "that only your staff award.",
    )
    alignments = ItemChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Curriculum alignment",
        help_text="The curriculum items the badge is evidence for.",
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Separate tags with commas.")
    valid_for_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=600,
        label="Valid for (months)",
        help_text="Leave empty for a badge that never expires.",
    )
    image = forms.FileField(
        required=False,
        help_text="Optional. A PNG image; without one Waymark draws the badge.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png"}),
    )
    is_active = forms.BooleanField(
        required=False,
        initial=True,
        label="Active: Waymark awards it and shows it in the API",
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alignments"].queryset = items

    def alignment_groups(self) -> list[tuple]:
        """The alignment checkboxes by framework: (framework, options, open). A framework
        starts open when something in it is chosen, or when it is the only one."""
        groups = {}
        for option in self["alignments"]:
            groups.setdefault(option.data["value"].instance.framework, []).append(option)
        return [
            (framework, options, len(groups) == 1 or any(o.data["selected"] for o in options))
            for framework, options in groups.items()
        ]

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data["image"]:
            # Nothing uploaded: the image already stored stays.
            data["image"] = None
        return data

    @staticmethod
    def initial_from(badge_class) -> dict:
        return {
            "name": badge_class.name,
            "slug": badge_class.slug,
            "description": badge_class.description,
            "criteria": badge_class.criteria,
            "rule": badge_class.rule,
            "alignments": [item.pk for item in badge_class.alignments.all()],
            "tags": ", ".join(badge_class.tags or []),
            "valid_for_months": badge_class.valid_for_months,
            "is_active": badge_class.is_active,
        }


class AwardForm(forms.Form):
    trainee = PersonChoiceField(queryset=None, empty_label="Choose a trainee")
    narrative = forms.CharField(
        label="Evidence narrative",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the trainee did to earn the badge. It is published with the badge, "
        "so leave out anything that could identify a patient.",
    )
    entries = forms.ModelMultipleChoiceField(
        queryset=LearningEntry.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Linked entries",
        help_text="Optional: signed-off entries of the trainee's that this badge recognises.",
    )

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = trainees
        # Offer the chosen trainee's signed-off entries (titles and dates only).
        chosen = self.data.get("trainee") or self.initial.get("trainee")
        trainee = trainees.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        if trainee is not None:
            self.fields["entries"].queryset = selectors.linkable_entries(trainee)
            self.fields["entries"].label_from_instance = lambda e: f"{e.title} ({e.date:%d %b %Y})"


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Published with the revoked badge, so that anyone checking it sees why.",
    )


class BackpackForm(forms.Form):
    """A badge from elsewhere: one of its address, its baked image, or its credential."""

    url = forms.CharField(
        label="The badge's web address",
        required=False,
        max_length=2000,
        help_text="Where its issuer hosts it (an Open Badges 2.0 assertion), starting https://.",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label="Or its image",
        required=False,
        help_text="A baked badge image, PNG or SVG, as its issuer gave it to you.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    credential = forms.CharField(
        label="Or its credential",
        required=False,
        help_text="An Open Badges credential, pasted as JSON or as a JWT.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
