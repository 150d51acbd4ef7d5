from celery import shared_task

from notifications import delivery


@shared_task
def send_notification_email(notification_id: int) -> bool:
    return delivery.send_email(notification_id=notification_id)


@shared_task
def send_pending_emails() -> int:
    """Notification emails a broker outage held back."""
    return delivery.send_pending()


@shared_task
def send_daily_digests() -> int:
    return delivery.send_digests()
