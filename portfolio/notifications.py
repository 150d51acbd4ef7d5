"""Emails about sign-off, sent by Celery tasks after commit. Each request records when its
emails went out, so a task run twice sends once and a sweep sends what an outage held back."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import absolute_url
from portfolio.models import SignOffRequest

# A notification younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)
DECIDED = (SignOffRequest.Outcome.APPROVED, SignOffRequest.Outcome.RETURNED)


def _locked_request(request_id: int) -> SignOffRequest | None:
    return (
        SignOffRequest.objects.select_for_update(of=("self",))
        .select_related("entry__trainee", "supervisor")
        .filter(pk=request_id)
        .first()
    )


def _context(request: SignOffRequest) -> dict:
    return {
        "request": request,
        "url": absolute_url(reverse("portfolio:entry_detail", args=[request.entry_id])),
    }


@transaction.atomic
def send_sign_off_requested(*, request_id: int) -> bool:
    request = _locked_request(request_id)
    if (
        request is None
        or request.request_notified_at
        or request.outcome != SignOffRequest.Outcome.OPEN
    ):
        return False
    send_mail(
        subject=f"{request.entry.trainee} asks you to sign off an entry",
        message=render_to_string("portfolio/email/sign_off_requested.txt", _context(request)),
        from_email=None,
        recipient_list=[request.supervisor.email],
    )
    request.request_notified_at = timezone.now()
    request.save(update_fields=["request_notified_at"])
    return True


@transaction.atomic
def send_sign_off_decided(*, request_id: int) -> bool:
    request = _locked_request(request_id)
    if request is None or request.decision_notified_at or request.outcome not in DECIDED:
        return False
    verb = "signed off" if request.outcome == SignOffRequest.Outcome.APPROVED else "returned"
    send_mail(
        subject=f"{request.supervisor} {verb} “{request.entry.title}”",
        message=render_to_string("portfolio/email/sign_off_decided.txt", _context(request)),
        from_email=None,
        recipient_list=[request.entry.trainee.email],
    )
    request.decision_notified_at = timezone.now()
    request.save(update_fields=["decision_notified_at"])
    return True


def send_pending() -> int:
    """Send every notification held back for longer than the grace period."""
    cutoff = timezone.now() - UNSENT_GRACE
    requested = SignOffRequest.objects.filter(
        outcome=SignOffRequest.Outcome.OPEN,
        request_notified_at__isnull=True,
        requested_at__lt=cutoff,
    ).values_list("pk", flat=True)
    decided = SignOffRequest.objects.filter(
        outcome__in=DECIDED, decision_notified_at__isnull=True, decided_at__lt=cutoff
    ).values_list("pk", flat=True)
    sent = sum(send_sign_off_requested(request_id=pk) for pk in requested)
    return sent + sum(send_sign_off_decided(request_id=pk) for pk in decided)
