"""What the portfolio tells apps above it (badges) without knowing about them."""

from django.db import transaction
from django.dispatch import Signal

# Sent after commit whenever a trainee's portfolio changed in a way that could change what
# they have earned (an entry created, edited, deleted, signed off or withdrawn).
# Receivers get `trainee_id`.
portfolio_changed = Signal()


def send_portfolio_changed(*, trainee_id: int) -> None:
    transaction.on_commit(lambda: portfolio_changed.send(sender=None, trainee_id=trainee_id))
