from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from exports import notifications, services
from exports.models import Export

# An export younger than this may still be on its way through the broker.
WAITING_GRACE = timedelta(minutes=2)


@shared_task(
    soft_time_limit=services.SOFT_TIME_LIMIT.total_seconds(),
    time_limit=services.TIME_LIMIT.total_seconds(),
)
def make_export(export_id: int) -> bool:
    return services.make_export(export_id=export_id) is not None


@shared_task
def notify_export_ready(export_id: int) -> bool:
    return notifications.send_export_ready(export_id=export_id)


@shared_task
def run_waiting_exports() -> int:
    """Exports a broker outage held back, or whose worker was lost, and their emails."""
    now = timezone.now()
    waiting = Export.objects.filter(
        Q(status=Export.Status.QUEUED, created_at__lt=now - WAITING_GRACE)
        | Q(status=Export.Status.RUNNING, started_at__lt=now - services.STALLED_AFTER)
    ).values_list("pk", flat=True)
    made = sum(services.make_export(export_id=pk) is not None for pk in waiting)
    return made + notifications.send_pending()


@shared_task
def delete_expired_exports() -> int:
    return services.delete_expired()
