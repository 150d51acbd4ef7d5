from celery import shared_task

from passport import notices


@shared_task
def notify_expiring_training() -> int:
    return notices.notify_expiring_training()
