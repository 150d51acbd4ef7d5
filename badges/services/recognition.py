"""Site staff marking an issuer as a recognised body (a trust, a deanery, a royal college, a
university), with the evidence they relied on, and taking the mark away. Only staff who may
change recognitions can; the organisation's own admins cannot mark themselves."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from badges.models import Issuer, IssuerRecognition

PERMISSION = "badges.change_issuerrecognition"


def may_recognise(actor) -> bool:
    return bool(actor and actor.is_active and actor.is_staff and actor.has_perm(PERMISSION))


def _refuse_unless_staff(actor) -> None:
    if not may_recognise(actor):
        raise PermissionDenied("Only Waymark's staff can mark an issuer as a recognised body.")


@transaction.atomic
def recognise_issuer(
    *, issuer: Issuer, actor, kind: str, evidence: str, now: datetime | None = None
) -> IssuerRecognition:
    """Mark the issuer (or change its mark). The evidence is published beside the mark."""
    _refuse_unless_staff(actor)
    evidence = evidence.strip()
    errors = {}
    if kind not in IssuerRecognition.Kind.values:
        errors["kind"] = "Choose what kind of body the issuer is."
    if not evidence:
        errors["evidence"] = "Say what the mark relies on: it is published with it."
    if errors:
        raise ValidationError(errors)
    recognition, created = IssuerRecognition.objects.select_for_update().update_or_create(
        issuer=issuer,
        defaults={
            "kind": kind,
            "evidence": evidence,
            "marked_by": actor,
            "marked_at": now or timezone.now(),
        },
    )
    audit.append(
        actor=actor,
        action="issuer_recognised",
        obj=issuer,
        payload={"kind": kind, "evidence": evidence, "changed": not created},
        chain=audit.organisation_chain(issuer.organisation_id),
    )
    return recognition


@transaction.atomic
def withdraw_recognition(*, issuer: Issuer, actor, reason: str) -> bool:
    """Take the mark away, with the reason in the audit log. False if there was none."""
    _refuse_unless_staff(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the mark is taken away."})
    recognition = IssuerRecognition.objects.select_for_update().filter(issuer=issuer).first()
    if recognition is None:
        return False
    audit.append(
        actor=actor,
        action="issuer_recognition_withdrawn",
        obj=issuer,
        payload={"kind": recognition.kind, "reason": reason},
        chain=audit.organisation_chain(issuer.organisation_id),
    )
    recognition.delete()
    return True
