"""Awarding badges: by hand (an admin of the issuing organisation) or by the rules (the
system, actor None), revoking them, and evaluating a trainee's rules after their portfolio
changes."""

import calendar
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.selectors import has_role, is_admin_of
from audit import services as audit
from badges import selectors
from badges.models import Award, BadgeClass, Issuer, PendingEvaluation, Progress
from badges.ob3 import issuing
from badges.signals import send_award_event
from core.errors import StateConflict
from core.hashing import canonical_json, sha256
from core.tasks import enqueue_after_commit


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def refuse_unless_issuer_admin(actor, issuer: Issuer) -> None:
    if not is_admin_of(actor, issuer.organisation_id):
        raise PermissionDenied("Only the admins of the issuing organisation can do this.")


def check_awardable(badge_class: BadgeClass) -> None:
    """An inactive badge class is not awarded, by its rule or by hand."""
    if not badge_class.is_active:
        raise StateConflict(f"“{badge_class}” is not active. Make it active to award it.")


def check_revocable(award: Award) -> None:
    if award.revoked_at:
        raise StateConflict("That badge is already revoked.")


def _check_manual_award(*, badge_class: BadgeClass, recipient, entries) -> None:
    """A badge awarded by hand goes to a trainee of the issuing organisation who does not hold
    it already, and the entries it links are that trainee's own signed-off entries: they are
    published with the badge. Refusals about the recipient are keyed `trainee`, the field
    that names them on the page and in the API."""
    organisation_id = badge_class.issuer.organisation_id
    if not has_role(recipient, organisation_id, Role.TRAINEE):
        raise ValidationError({"trainee": f"{recipient} is not a trainee of {badge_class.issuer}."})
    if selectors.holds_badge(recipient, badge_class):
        raise ValidationError({"trainee": f"{recipient} already holds this badge."})
    wanted = {entry.pk for entry in entries}
    linkable = set(
        selectors.linkable_entries(recipient).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if wanted - linkable:
        raise ValidationError(
            {"entries": "Only the trainee's own signed-off entries can be linked to their badge."}
        )


def _by_hand(*, badge_class: BadgeClass, actor, entries) -> dict:
    """What a badge awarded by hand records of how: who awarded it, for which issuer, and
    the signed-off entries linked to it. Names as they are now: the record is frozen."""
    dates = sorted(entry.date for entry in entries)
    return {
        "by": "hand",
        "awarded_by": actor.full_name,
        "issuer": badge_class.issuer.name,
        "entries": len(entries),
        "first": dates[0].isoformat() if dates else None,
        "last": dates[-1].isoformat() if dates else None,
    }


def award_badge(
    *,
    badge_class: BadgeClass,
    recipient,
    actor=None,
    narrative: str = "",
    entries=(),
    achieved: dict | None = None,
) -> Award:
    """Award a badge, or return the standing award if the trainee already holds it. By hand
    when `actor` is an admin of the issuing organisation; by the rules when it is None (the
    system), with `achieved`, what the rules found (evaluation.Result.achieved). Either way the
    award records how it was earned, once. Safe under retries and concurrent workers: the
    database allows one standing award."""
    entries = list(entries)
    if actor is not None:
        refuse_unless_issuer_admin(actor, badge_class.issuer)
        _check_manual_award(badge_class=badge_class, recipient=recipient, entries=entries)
        achieved = _by_hand(badge_class=badge_class, actor=actor, entries=entries)
    elif achieved is not None:
        achieved = {"by": "rules", "rule": achieved}
    check_awardable(badge_class)
    # The refusals above come first, so that nothing raised here leaves a caller's
    # transaction to roll back: inside an evaluation's, this block needs no savepoint.
    with transaction.atomic(savepoint=False):
        existing = (
            Award.objects.standing().filter(badge_class=badge_class, recipient=recipient).first()
        )
        if existing:
            return existing
        issued = timezone.now()
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    badge_class=badge_class,
                    recipient=recipient,
                    recipient_email=recipient.email,
                    issued_on=issued,
                    expires=add_months(issued, badge_class.valid_for_months)
                    if badge_class.valid_for_months
                    else None,
                    narrative=narrative,
                    awarded_by=actor,
                    achieved=achieved,
                )
        except IntegrityError:
            # Another worker awarded it a moment ago; theirs is the award.
            return Award.objects.standing().get(badge_class=badge_class, recipient=recipient)
        if entries:
            award.entries.set(entries)
        audit.append(
            actor=actor,
            action="award",
            obj=award,
            payload={
                "badge_class": badge_class.pk,
                "recipient": recipient.pk,
                "manual": actor is not None,
                # The chain vouches for how the award says it was earned.
                "achieved_sha256": sha256(canonical_json(achieved)) if achieved else None,
            },
            chain=audit.user_chain(award.recipient_id),
        )
        send_award_event(award=award, event="issued")
        from badges.tasks import issue_credential

        enqueue_after_commit(issue_credential, award.pk)
    return award


@transaction.atomic
def revoke_award(*, award: Award, actor, reason: str) -> Award:
    """Revoke an award, for a reason that is published with it. Only an admin of the issuing
    organisation revokes."""
    award = (
        Award.objects.select_related("badge_class__issuer")
        .select_for_update(of=("self",))
        .get(pk=award.pk)
    )
    refuse_unless_issuer_admin(actor, award.badge_class.issuer)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the badge is revoked; the reason is published."})
    check_revocable(award)
    award.revoked_at, award.revocation_reason = timezone.now(), reason
    award.save(update_fields=["revoked_at", "revocation_reason"])
    # In this transaction: the published status list says "revoked" as soon as this commits.
    issuing.revoke_in_status_list(award)
    audit.append(
        actor=actor,
        action="revoke",
        obj=award,
        payload={"reason_sha256": sha256(reason)},
        chain=audit.user_chain(award.recipient_id),
    )
    send_award_event(award=award, event="revoked")
    return award


# --- Evaluation by the rules ---------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def evaluate_awards(*, trainee) -> list[Award]:
    """Re-evaluate every rule-based badge for one trainee: award what is now earned and
    record progress towards the rest, in one transaction (the caller's, when there is one),
    so that a run that earns several badges commits once rather than once for each."""
    decided = selectors.assess(trainee=trainee)
    # The award says how its rule was met; the criteria are the badge class's to state.
    awarded = [
        award_badge(badge_class=badge_class, recipient=trainee, achieved=result.achieved)
        for badge_class, result in decided
        if result.met
    ]
    Progress.objects.bulk_create(
        [
            Progress(
                trainee=trainee,
                badge_class=badge_class,
                current=result.current,
                target=result.target,
                label=result.label,
            )
            for badge_class, result in decided
        ],
        update_conflicts=True,
        unique_fields=["trainee", "badge_class"],
        update_fields=["current", "target", "label", "updated_at"],
    )
    return awarded


# --- Pending evaluations -------------------------------------------------------------------------


def request_evaluation(*, trainee_id: int) -> None:
    """Record, in the caller's transaction, that a trainee's awards need evaluating, and ask
    a worker to do it after commit. If the broker is down the row stays for the sweep.

    When an evaluation is already pending, moving its time on is enough: the task already
    asked for will see this change, or, if it started before it, will find the row still
    there when it finishes and ask again (run_evaluation). A burst of saves costs a few
    evaluations, not one each."""
    now = timezone.now()
    if PendingEvaluation.objects.filter(trainee_id=trainee_id).update(requested_at=now):
        return
    PendingEvaluation.objects.bulk_create(
        [PendingEvaluation(trainee_id=trainee_id, requested_at=now)], ignore_conflicts=True
    )
    from badges.tasks import evaluate_trainee

    enqueue_after_commit(evaluate_trainee, trainee_id)


def request_evaluation_of_members(*, organisation) -> None:
    """A badge class's rule changed: everyone in its organisation may now qualify. Pending
    rows for all of them, in this transaction, and one sweep after commit to work through
    them (a large organisation is not fanned out into a task per person here)."""
    from badges.tasks import run_pending_evaluations

    now = timezone.now()
    trainee_ids = set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )
    PendingEvaluation.objects.bulk_create(
        [PendingEvaluation(trainee_id=pk, requested_at=now) for pk in trainee_ids],
        update_conflicts=True,
        unique_fields=["trainee"],
        update_fields=["requested_at"],
    )
    enqueue_after_commit(run_pending_evaluations, 0)


def run_evaluation(*, trainee_id: int) -> list[Award]:
    """Evaluate, then clear the pending row unless a newer change arrived meanwhile."""
    from accounts.models import User

    started = timezone.now()
    trainee = User.objects.filter(pk=trainee_id).first()
    if trainee is None:
        PendingEvaluation.objects.filter(trainee_id=trainee_id).delete()
        return []
    with transaction.atomic():
        awarded = evaluate_awards(trainee=trainee)
        PendingEvaluation.objects.filter(trainee_id=trainee_id, requested_at__lte=started).delete()
    if PendingEvaluation.objects.filter(trainee_id=trainee_id).exists():
        # Changes arrived while this ran, and their saves asked for no task of their own.
        from badges.tasks import evaluate_trainee

        enqueue_after_commit(evaluate_trainee, trainee_id)
    return awarded
