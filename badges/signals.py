"""What badges tell apps above them (integrations) without knowing about them."""

from django.dispatch import Signal

# Sent inside the transaction that issued or revoked an award, with the `award` and the
# `event` ("issued" or "revoked"), so that a receiver can record its follow-up work in the
# same transaction.
AWARD_EVENTS = ("issued", "revoked")
award_event = Signal()


def send_award_event(*, award, event: str) -> None:
    if event not in AWARD_EVENTS:
        raise ValueError(f"Unknown award event {event!r}.")
    award_event.send(sender=None, award=award, event=event)
