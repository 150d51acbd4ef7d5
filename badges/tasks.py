from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from badges import services
from badges.models import PendingEvaluation

# An evaluation younger than this may still be on its way through the broker.
PENDING_GRACE = timedelta(minutes=1)


@shared_task
def evaluate_trainee(trainee_id: int) -> int:
    return len(services.run_evaluation(trainee_id=trainee_id))


@shared_task
def run_pending_evaluations() -> int:
    """Evaluations the broker never delivered (it was down when the change was saved)."""
    stale = PendingEvaluation.objects.filter(requested_at__lt=timezone.now() - PENDING_GRACE)
    ids = list(stale.values_list("trainee_id", flat=True))
    for trainee_id in ids:
        services.run_evaluation(trainee_id=trainee_id)
    return len(ids)
