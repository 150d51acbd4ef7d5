"""The endorsement pages' forms: what to endorse and in what words, and why an endorsement
is withdrawn."""

from django import forms

from badges import endorsement_selectors as selectors
from badges.endorsement_models import CLAIM_MAX_LENGTH
from badges.models import Issuer


class EndorsementForm(forms.Form):
    target = forms.ChoiceField(
        label="What you endorse",
        help_text="Another issuer on this Waymark, or one of its badge classes.",
    )
    claim = forms.CharField(
        max_length=CLAIM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you say about it, in words: “meets the CSTF learning outcomes for "
        "Information Governance”. Published with the endorsement.",
    )

    def __init__(self, *args, endorser: Issuer, **kwargs):
        super().__init__(*args, **kwargs)
        issuers = [
            (selectors.target_value(issuer), issuer.name)
            for issuer in selectors.endorsable_issuers(endorser)
        ]
        groups: dict[str, list] = {}
        for badge_class in selectors.endorsable_badge_classes(endorser):
            groups.setdefault(f"Badge classes of {badge_class.issuer.name}", []).append(
                (selectors.target_value(badge_class), badge_class.name)
            )
        self.fields["target"].choices = [
            ("", "Choose…"),
            *([("Issuers", issuers)] if issuers else []),
            *groups.items(),
        ]

    def clean_target(self):
        try:
            return selectors.target_named(self.cleaned_data["target"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["target"]) from None


class WithdrawEndorsementForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Published with the withdrawn endorsement, so that anyone checking it sees why.",
    )
