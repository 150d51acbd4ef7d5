from celery import shared_task

from integrations import services


@shared_task
def clear_expired_tokens() -> int:
    return services.clear_expired_tokens()
