"""Endorsing another issuer or one of its badge classes, and withdrawing the endorsement:
for the admins of the endorsing issuer's organisation. The Open Badges 3.0 credential is
signed as the endorsement is made, with the endorser's key; withdrawing sets its bit in the
endorser's status list in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.selectors import is_admin_of
from audit import services as audit
from badges.endorsement_models import CLAIM_MAX_LENGTH
from badges.models import BadgeClass, Endorsement, Issuer
from badges.ob3 import endorsements as ob3_endorsements
from badges.ob3 import issuing
from core.errors import StateConflict


def _refuse_unless_endorser_admin(actor, endorser: Issuer) -> None:
    if not is_admin_of(actor, endorser.organisation_id):
        raise PermissionDenied("Only the admins of the endorsing organisation can do this.")


def _check_target(endorser: Issuer, target) -> None:
    if isinstance(target, Issuer):
        if target.pk == endorser.pk:
            raise ValidationError({"target": "An issuer cannot endorse itself."})
    elif isinstance(target, BadgeClass):
        if target.issuer_id == endorser.pk:
            raise ValidationError({"target": "An issuer cannot endorse its own badge classes."})
        if not target.is_active:
            raise ValidationError(
                {"target": f"“{target.name}” is not active: its issuer no longer awards it."}
            )
    else:
        raise TypeError("An endorsement's target is an Issuer or a BadgeClass.")


def _clean_claim(claim: str) -> str:
    claim = (claim or "").strip()
    if not claim:
        raise ValidationError({"claim": "Say what you endorse, in words: the claim is published."})
    if len(claim) > CLAIM_MAX_LENGTH:
        raise ValidationError(
            {"claim": f"A claim can be at most {CLAIM_MAX_LENGTH} characters ({len(claim)} now)."}
        )
    return claim


def _live_of(endorser: Issuer, target):
    field = "badge_class" if isinstance(target, BadgeClass) else "issuer"
    return Endorsement.objects.live().filter(endorser=endorser, **{field: target})


DUPLICATE = "{endorser} already endorses “{target}”. Withdraw that endorsement to make a new one."


@transaction.atomic
def endorse(*, actor, endorser: Issuer, target: Issuer | BadgeClass, claim: str) -> Endorsement:
    """A new endorsement by `endorser` of another issuer or of another issuer's active badge
    class, in the words of `claim`; at most one standing endorsement per endorser and
    target. Refused with the field named: `target` (itself, its own badge class, inactive,
    already endorsed) or `claim` (empty, too long)."""
    _refuse_unless_endorser_admin(actor, endorser)
    # One endorser's endorsements are made one at a time, so the duplicate check holds.
    endorser = Issuer.objects.select_for_update().get(pk=endorser.pk)
    _check_target(endorser, target)
    claim = _clean_claim(claim)
    if _live_of(endorser, target).exists():
        raise ValidationError({"target": DUPLICATE.format(endorser=endorser, target=target)})
    endorsement = Endorsement(
        endorser=endorser,
        issuer=target if isinstance(target, Issuer) else None,
        badge_class=target if isinstance(target, BadgeClass) else None,
        claim=claim,
        created_at=timezone.now().replace(microsecond=0),
        created_by=actor,
    )
    # A retry covers the rare random status bit an award's credential took meanwhile.
    for _attempt in range(5):
        ob3_endorsements.sign(endorsement, target=target)
        try:
            with transaction.atomic():
                endorsement.save()
                issuing.hold_place(endorsement.status_list)
                break
        except IntegrityError:
            if _live_of(endorser, target).exists():
                raise ValidationError(
                    {"target": DUPLICATE.format(endorser=endorser, target=target)}
                ) from None
            endorsement.pk = None
    else:
        raise RuntimeError("No free status list index after five tries.")
    audit.append(
        actor=actor,
        action="endorse",
        obj=endorsement,
        payload={
            "endorser": endorser.pk,
            "issuer": endorsement.issuer_id,
            "badge_class": endorsement.badge_class_id,
            "claim": claim,
        },
        chain=audit.organisation_chain(endorser.organisation_id),
    )
    return endorsement


def check_withdrawable(endorsement: Endorsement) -> None:
    if endorsement.withdrawn_at:
        raise StateConflict("This endorsement is already withdrawn.")


@transaction.atomic
def withdraw_endorsement(*, actor, endorsement: Endorsement, reason: str) -> Endorsement:
    """Withdraw an endorsement, for a reason published with it: its Open Badges 2.0
    document answers 410 Gone, its credential's bit is set in the endorser's status list as
    this commits, and the endorsed documents and pages no longer list it."""
    endorsement = (
        Endorsement.objects.select_related("endorser")
        .select_for_update(of=("self",))
        .get(pk=endorsement.pk)
    )
    _refuse_unless_endorser_admin(actor, endorsement.endorser)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the endorsement is withdrawn; the reason is published."}
        )
    check_withdrawable(endorsement)
    endorsement.withdrawn_at, endorsement.withdrawn_by = timezone.now(), actor
    endorsement.withdrawal_reason = reason
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    ob3_endorsements.withdraw_in_status_list(endorsement)
    audit.append(
        actor=actor,
        action="endorsement_withdraw",
        obj=endorsement,
        payload={"reason": reason},
        chain=audit.organisation_chain(endorsement.endorser.organisation_id),
    )
    return endorsement
