from celery import shared_task

from audit import services


@shared_task
def sign_checkpoint() -> int | None:
    """Anchor the audit chains: a signed checkpoint, if anything was appended since the last."""
    checkpoint = services.sign_checkpoint()
    return checkpoint.number if checkpoint else None
