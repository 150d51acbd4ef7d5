from datetime import timedelta

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone

from badges import notices
from badges.models import Issuer, PendingEvaluation
from badges.services import awarding, issuer_domains

# An evaluation younger than this may still be on its way through the broker.
PENDING_GRACE = timedelta(minutes=1)


@shared_task
def evaluate_trainee(trainee_id: int) -> int:
    return len(awarding.run_evaluation(trainee_id=trainee_id))


@shared_task
def run_pending_evaluations(grace_seconds: int | None = None) -> int:
    """Evaluations still pending: those the broker never delivered (beat runs this every
    minute with the default grace), or, with grace 0, all of them now."""
    grace = PENDING_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    stale = PendingEvaluation.objects.filter(requested_at__lte=timezone.now() - grace)
    ids = list(stale.values_list("trainee_id", flat=True))
    for trainee_id in ids:
        awarding.run_evaluation(trainee_id=trainee_id)
    return len(ids)


@shared_task
def notify_expiring_awards() -> int:
    return notices.notify_expiring_awards()


@shared_task
def issue_credential(award_id: int) -> bool:
    """Sign a new award's Open Badges 3.0 credential. Idempotent: an award that already has
    one, or was revoked meanwhile, is left as it is (pages sign any missing one on request)."""
    from badges.models import Award
    from badges.ob3 import issuing

    award = Award.objects.select_related("badge_class__issuer").filter(pk=award_id).first()
    if award is None:
        return False
    try:
        issuing.credential_for(award)
    except issuing.NotIssuable:
        return False
    return True


@shared_task
def recheck_issuer_domains() -> int:
    """Beat runs this daily: every verified issuer's token is looked for again, and a check
    that no longer finds it unverifies the issuer; issuers waiting for a first proof are
    checked too. Each issuer is checked on its own, so running twice does no harm."""
    ids = issuer_domains.issuers_to_recheck()
    for issuer in Issuer.objects.filter(pk__in=ids).order_by("pk"):
        issuer_domains.check_issuer_domain(issuer)
    return len(ids)


# Badges in backpacks are checked again when their last check is a day old, this many at a
# time, so that one run stays short however many there are; the next run takes the rest.
REVERIFY_AFTER = timedelta(days=1)
REVERIFY_BATCH = 200


@shared_task
def reverify_external_badges(batch: int = REVERIFY_BATCH) -> int:
    """Beat runs this hourly: badges from elsewhere never checked here (those an archive
    brought) and those whose last check is more than a day old, oldest first, are verified
    again (badges.services.external). Idempotent: a badge checked is not due again for a
    day."""
    from badges.models import ExternalBadge
    from badges.services import external

    due = timezone.now() - REVERIFY_AFTER
    ids = list(
        ExternalBadge.objects.filter(Q(verified_at__lt=due) | Q(verified_at__isnull=True))
        .exclude(credential_id="", assertion__isnull=True, credential__isnull=True)
        .order_by(F("verified_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:batch]
    )
    for badge_id in ids:
        external.reverify_external_badge(badge_id=badge_id)
    return len(ids)
