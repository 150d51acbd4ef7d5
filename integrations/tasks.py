from celery import shared_task

from integrations import services
from integrations.webhooks import notifications as webhook_notifications
from integrations.webhooks import services as webhooks


@shared_task
def clear_expired_tokens() -> int:
    return services.clear_expired_tokens()


@shared_task
def deliver_webhook(delivery_id: int) -> bool | None:
    return webhooks.deliver(delivery_id=delivery_id)


@shared_task
def deliver_due_webhooks() -> int:
    """Retries that are due, and messages a broker outage held back."""
    return webhooks.deliver_due()


@shared_task
def notify_webhook_disabled(subscription_id: int) -> bool:
    return webhook_notifications.send_disabled_notice(subscription_id=subscription_id)
