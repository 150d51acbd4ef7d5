"""Sign-off as a guarded transition: the trainee submits or recalls, the supervisor asked
approves or returns, and the supervisor or an organisation admin withdraws."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import selectors as account_selectors
from core.tasks import enqueue_after_commit
from portfolio import selectors
from portfolio.content import CURRENT_VERSION, content_hash
from portfolio.models import (
    LearningEntry,
    SignOff,
    SignOffLink,
    SignOffRequest,
    SignOffWithdrawal,
    Status,
    check_text_length,
)
from portfolio.services.status import TransitionNotAllowed, lock_entry, transition
from portfolio.signals import send_entry_event, send_portfolio_changed


@transaction.atomic
def submit_for_sign_off(*, entry: LearningEntry, supervisor, actor) -> SignOffRequest:
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can ask for their entry to be signed off.")
    if not account_selectors.is_active_supervisor(supervisor, entry.trainee):
        raise ValidationError(
            {"supervisor": f"{supervisor} is not currently one of your supervisors."}
        )
    entry = lock_entry(entry)
    _refuse_while_evidence_is_processed(entry)
    transition(entry, "submit", actor=actor, payload={"supervisor": supervisor.pk})
    request = SignOffRequest.objects.create(entry=entry, supervisor=supervisor)
    send_entry_event(entry=entry, event="submitted", actor=actor)
    from portfolio.tasks import notify_sign_off_requested

    enqueue_after_commit(notify_sign_off_requested, request.pk)
    return request


def _refuse_while_evidence_is_processed(entry: LearningEntry) -> None:
    """A sign-off vouches for the evidence as stored for good, so not before it is. Under
    the entry's lock, which processing takes too: it cannot finish halfway through this."""
    if selectors.evidence_being_processed(entry):
        raise TransitionNotAllowed(
            "Some of this entry's evidence is still being processed, which takes a moment; "
            "the entry can be sent for sign-off and signed off once it is ready."
        )


@transaction.atomic
def recall_request(*, entry: LearningEntry, actor) -> None:
    if actor.pk != entry.trainee_id:
        raise PermissionDenied("Only the trainee can recall their request.")
    entry = lock_entry(entry)
    transition(entry, "recall", actor=actor)
    SignOffRequest.objects.filter(entry=entry, outcome=SignOffRequest.Outcome.OPEN).update(
        outcome=SignOffRequest.Outcome.CANCELLED, decided_at=timezone.now()
    )


def _open_request_for(entry: LearningEntry, actor) -> SignOffRequest:
    """Lock the entry, then find the open request addressed to the acting supervisor. The
    entry's row lock makes two supervisors (or two clicks) deciding at once take turns; the
    second finds the request already decided. Only the supervisor asked decides, and only
    while they still supervise the trainee."""
    entry = lock_entry(entry)
    request = SignOffRequest.objects.filter(
        entry=entry, supervisor=actor, outcome=SignOffRequest.Outcome.OPEN
    ).first()
    if request is None or entry.status != Status.SUBMITTED:
        raise TransitionNotAllowed(
            "This entry is not waiting for your sign-off (it may have just been decided)."
        )
    if not account_selectors.is_active_supervisor(actor, entry.trainee):
        raise PermissionDenied("Your supervision of this trainee has ended.")
    return request


@transaction.atomic
def approve(*, entry: LearningEntry, actor, comment: str = "") -> SignOff:
    """The supervisor asked signs the entry off as it stands: its content hash is recorded."""
    check_text_length("comment", comment)
    request = _open_request_for(entry, actor)
    entry = request.entry
    if actor.pk == entry.trainee_id:
        raise PermissionDenied("Nobody can sign off their own entry.")
    _refuse_while_evidence_is_processed(entry)
    digest = content_hash(entry, version=CURRENT_VERSION)
    transition(
        entry,
        "approve",
        actor=actor,
        payload={"content_sha256": digest, "request": request.pk},
    )
    sign_off = SignOff.objects.create(
        entry=entry,
        request=request,
        trainee_id=entry.trainee_id,
        supervisor=actor,
        content_hash=digest,
        hash_version=CURRENT_VERSION,
        comment=comment,
    )
    # Its public link, made with it: a sign-off printed the moment it exists can be checked.
    sign_off.link = SignOffLink.objects.create(sign_off=sign_off)
    _record_decision(request, SignOffRequest.Outcome.APPROVED, comment)
    send_portfolio_changed(trainee_id=entry.trainee_id)
    send_entry_event(entry=entry, event="signed_off", actor=actor)
    return sign_off


@transaction.atomic
def return_entry(*, entry: LearningEntry, actor, comment: str) -> SignOffRequest:
    """The supervisor asked sends the entry back to the trainee, saying what to change."""
    check_text_length("comment", comment)
    if not comment.strip():
        raise ValidationError(
            {"comment": "Say what the trainee should change before you return the entry."}
        )
    request = _open_request_for(entry, actor)
    transition(request.entry, "return", actor=actor, payload={"request": request.pk})
    _record_decision(request, SignOffRequest.Outcome.RETURNED, comment)
    send_entry_event(entry=request.entry, event="returned", actor=actor)
    return request


def _record_decision(request: SignOffRequest, outcome: str, comment: str) -> None:
    """Close the request with the supervisor's decision; the trainee hears of it on commit."""
    request.outcome, request.decided_at, request.comment = outcome, timezone.now(), comment
    request.save(update_fields=["outcome", "decided_at", "comment"])
    from portfolio.tasks import notify_sign_off_decided

    enqueue_after_commit(notify_sign_off_decided, request.pk)


@transaction.atomic
def withdraw_sign_off(*, entry: LearningEntry, actor, reason: str) -> SignOffWithdrawal:
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for withdrawing the sign-off."})
    check_text_length("reason", reason)
    entry = lock_entry(entry)
    sign_off = selectors.current_sign_off(entry)
    if sign_off is None:
        raise TransitionNotAllowed("This entry has no sign-off to withdraw.")
    if not selectors.can_withdraw(actor, sign_off):
        raise PermissionDenied(
            "Only the supervisor who signed it off, or an organisation admin, can withdraw it."
        )
    transition(entry, "withdraw", actor=actor, payload={"sign_off": sign_off.pk})
    withdrawal = SignOffWithdrawal.objects.create(
        sign_off=sign_off, withdrawn_by=actor, reason=reason
    )
    send_portfolio_changed(trainee_id=entry.trainee_id)
    return withdrawal
