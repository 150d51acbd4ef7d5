from django import forms

from notifications.models import Delivery, Kind

# The kinds that reach people as supervisors and assessors, then those that reach trainees.
FOR_SUPERVISORS = [Kind.SIGN_OFF_REQUESTED, Kind.SIGN_OFF_REMINDER, Kind.ASSESSMENT_REQUESTED]


class PreferencesForm(forms.Form):
    """One choice per kind (email, in Waymark, or both) and, for supervisors, the digest."""

    def __init__(self, data=None, *, preferences):
        initial = {**preferences.deliveries, "daily_digest": preferences.daily_digest}
        super().__init__(data, initial=initial)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Delivery.choices, widget=forms.RadioSelect
            )
        # Someone who has the digest keeps the switch to turn it off, supervisor or not.
        if preferences.digest_offered or preferences.daily_digest:
            self.fields["daily_digest"] = forms.BooleanField(
                required=False,
                label="Send my Waymark emails as one digest a day",
                help_text="Once each morning, instead of one email each time. "
                "Your notifications list still shows each one at once.",
            )

    def kind_fields(self, kinds):
        return [self[kind] for kind in kinds]

    def for_supervisors(self):
        return self.kind_fields(FOR_SUPERVISORS)

    def for_trainees(self):
        return self.kind_fields([kind for kind in Kind.values if kind not in FOR_SUPERVISORS])

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values}
