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
