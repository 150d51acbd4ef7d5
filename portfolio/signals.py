"""What the portfolio tells apps above it (badges) without knowing about them."""

from django.dispatch import Signal

# Sent inside the transaction that changed a trainee's portfolio in a way that could
# change what they have earned (an entry created, edited, deleted, signed off or
# withdrawn; attendance recorded). Receivers get `trainee_id`. Because it is sent before
# commit, a receiver can record follow-up work in the same transaction — so the work
# cannot be lost if the broker is down — and schedule it with transaction.on_commit.
portfolio_changed = Signal()


def send_portfolio_changed(*, trainee_id: int) -> None:
    portfolio_changed.send(sender=None, trainee_id=trainee_id)


# Sent inside the transaction of each step in an entry's life that other systems may want to
# hear of: "created", "updated", "submitted", "signed_off" and "returned". Receivers get the
# saved `entry`, the `event` and the `actor` (the supervisor, for a sign-off or a return;
# None when the system logged the entry). As with portfolio_changed, a receiver records
# what it will do in the same transaction, so that it cannot be lost after the commit.
ENTRY_EVENTS = ("created", "updated", "submitted", "signed_off", "returned")
entry_event = Signal()


def send_entry_event(*, entry, event: str, actor) -> None:
    if event not in ENTRY_EVENTS:
        raise ValueError(f"Unknown entry event {event!r}.")
    entry_event.send(sender=None, entry=entry, event=event, actor=actor)
