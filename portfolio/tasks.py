from celery import shared_task

from portfolio import notifications, selectors, services


@shared_task
def notify_sign_off_requested(request_id: int) -> bool:
    return notifications.send_sign_off_requested(request_id=request_id)


@shared_task
def notify_sign_off_decided(request_id: int) -> bool:
    return notifications.send_sign_off_decided(request_id=request_id)


@shared_task
def send_pending_notifications() -> int:
    """Sign-off emails a broker outage held back."""
    return notifications.send_pending()


@shared_task
def remind_waiting_supervisors() -> int:
    """Sign-off requests that have waited more than a week remind their supervisors."""
    return notifications.remind_waiting_supervisors()


@shared_task
def process_evidence_file(evidence_id: int) -> bool:
    return services.process_evidence(evidence_id=evidence_id, actor=None)


@shared_task
def process_pending_evidence() -> int:
    """Uploads a broker outage held back, or whose worker was lost."""
    return sum(
        services.process_evidence(evidence_id=pk, actor=None)
        for pk in selectors.evidence_awaiting_processing().values_list("pk", flat=True)
    )


@shared_task
def make_evidence_thumbnail(evidence_id: int) -> bool:
    return services.store_evidence_thumbnail(evidence_id=evidence_id, actor=None)


@shared_task
def make_missing_thumbnails() -> int:
    """Thumbnails a broker outage held back."""
    return sum(
        services.store_evidence_thumbnail(evidence_id=pk, actor=None)
        for pk in selectors.images_without_thumbnails().values_list("pk", flat=True)
    )
