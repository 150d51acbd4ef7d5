"""What exports tell apps above them (integrations) without knowing about them."""

from django.dispatch import Signal

# Sent inside the transaction that finished an export, with the `export`, so that a
# receiver can record its follow-up work in the same transaction.
export_ready = Signal()


def send_export_ready(*, export) -> None:
    export_ready.send(sender=None, export=export)
