"""Telling people about sign-off, from Celery tasks after commit: the supervisor asked, the
trainee of the decision, and the supervisor again while a request waits. Each request
records when it was told, so a task run twice tells once and a sweep tells what an outage
held back."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Supervision
from core.site import absolute_url
from notifications.models import Kind
from notifications.services import notify
from portfolio.models import SignOffRequest

# A notification younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)
DECIDED = (SignOffRequest.Outcome.APPROVED, SignOffRequest.Outcome.RETURNED)
# A request waiting longer than this reminds its supervisor, and again each time as long.
REMIND_AFTER = timedelta(days=7)


def _locked_request(request_id: int) -> SignOffRequest | None:
    return (
        SignOffRequest.objects.select_for_update(of=("self",))
        .select_related("entry__trainee", "supervisor")
        .filter(pk=request_id)
        .first()
    )


def _path(request: SignOffRequest) -> str:
    return reverse("portfolio:entry_detail", args=[request.entry_id])


def _context(request: SignOffRequest, **extra) -> dict:
    return {"request": request, "url": absolute_url(_path(request)), **extra}


@transaction.atomic
def send_sign_off_requested(*, request_id: int) -> bool:
    request = _locked_request(request_id)
    if (
        request is None
        or request.request_notified_at
        or request.outcome != SignOffRequest.Outcome.OPEN
    ):
        return False
    notify(
        recipient=request.supervisor,
        kind=Kind.SIGN_OFF_REQUESTED,
        subject=f"{request.entry.trainee} asks you to sign off an entry",
        body=render_to_string("portfolio/email/sign_off_requested.txt", _context(request)),
        url=_path(request),
        key=f"sign-off-requested:{request.pk}",
    )
    request.request_notified_at = timezone.now()
    request.save(update_fields=["request_notified_at"])
    return True


@transaction.atomic
def send_sign_off_decided(*, request_id: int) -> bool:
    request = _locked_request(request_id)
    if request is None or request.decision_notified_at or request.outcome not in DECIDED:
        return False
    approved = request.outcome == SignOffRequest.Outcome.APPROVED
    verb = "signed off" if approved else "returned"
    notify(
        recipient=request.entry.trainee,
        kind=Kind.SIGN_OFF_APPROVED if approved else Kind.SIGN_OFF_RETURNED,
        subject=f"{request.supervisor} {verb} “{request.entry.title}”",
        body=render_to_string("portfolio/email/sign_off_decided.txt", _context(request)),
        url=_path(request),
        key=f"sign-off-decided:{request.pk}",
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


# --- Reminders -----------------------------------------------------------------------------


def _due_for_reminder(now: datetime) -> Q:
    """Open for longer than a week, and not reminded in the last week."""
    return Q(outcome=SignOffRequest.Outcome.OPEN, requested_at__lt=now - REMIND_AFTER) & (
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AFTER)
    )


@transaction.atomic
def remind_supervisor(*, request_id: int, now: datetime) -> bool:
    """Remind the supervisor of one waiting request, unless it was decided or reminded
    meanwhile: under the request's lock, so a second run reminds no one."""
    request = _locked_request(request_id)
    if (
        request is None
        or not SignOffRequest.objects.filter(_due_for_reminder(now), pk=request.pk).exists()
    ):
        return False
    waited = (now - request.requested_at).days
    notify(
        recipient=request.supervisor,
        kind=Kind.SIGN_OFF_REMINDER,
        subject=f"{request.entry.trainee} has waited {waited} days for your sign-off",
        body=render_to_string(
            "portfolio/email/sign_off_reminder.txt", _context(request, waited=waited)
        ),
        url=_path(request),
        key=f"sign-off-reminder:{request.pk}:{now:%Y-%m-%d}",
    )
    request.reminded_at = now
    request.save(update_fields=["reminded_at"])
    return True


def remind_waiting_supervisors(*, now: datetime | None = None) -> int:
    """Remind supervisors of the requests that have waited more than a week, at most once a
    week each. Only a supervisor who still supervises the trainee, and so can decide."""
    now = now or timezone.now()
    supervising = Supervision.objects.active(on=timezone.localdate(now)).filter(
        supervisor=OuterRef("supervisor"), trainee=OuterRef("entry__trainee")
    )
    due = (
        SignOffRequest.objects.filter(_due_for_reminder(now))
        .filter(Exists(supervising))
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(remind_supervisor(request_id=pk, now=now) for pk in list(due))
