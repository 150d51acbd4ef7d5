"""The admins' form for what their organisation accepts. Which fields go together (a badge
class, or an achievement issued elsewhere) is the service's rule, shown next to the fields."""

from django import forms

from passport import selectors
from passport.services import MAX_AGE_LIMIT


class BadgeClassChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.issuer.name}"


class AcceptanceForm(forms.Form):
    subject = forms.ModelChoiceField(
        label="Subject", queryset=selectors.subjects(), empty_label="Choose a subject"
    )
    badge_class = BadgeClassChoice(
        label="A badge on Waymark",
        queryset=selectors.acceptable_badge_classes(),
        required=False,
        empty_label="None: an achievement issued elsewhere",
        help_text="Your own badges and other issuers’.",
    )
    name = forms.CharField(
        label="Or an achievement issued elsewhere: its name",
        required=False,
        max_length=200,
        help_text="As trainees will see it.",
    )
    issuer_uri = forms.CharField(
        label="Its issuer’s id",
        required=False,
        max_length=500,
        help_text="The Open Badges 2.0 issuer profile URL, or the 3.0 issuer id.",
    )
    achievement_uri = forms.CharField(
        label="The achievement’s id",
        required=False,
        max_length=500,
        help_text="The Open Badges 2.0 BadgeClass URL, or the 3.0 achievement id.",
    )
    max_age_months = forms.IntegerField(
        label="Counts for (months)",
        required=False,
        min_value=1,
        max_value=MAX_AGE_LIMIT,
        help_text="How long after it was issued a completion counts. Blank: the subject’s "
        "refresher period.",
    )
