"""Badges issued elsewhere: those that arrive with an imported portfolio, kept as they
came, original assertion and baked image; and Open Badges 3.0 credentials that a wallet or
another issuer sends through the Open Badges API. Never awards here: no rule, stacking
rules included, counts them."""

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError

from audit import services as audit
from badges.models import ExternalBadge, OpenBadgeCredential
from badges.ob3 import verifying


@transaction.atomic
def record_external_badge(
    *,
    actor,
    trainee,
    uid: UUID,
    badge_name: str,
    issuer_name: str,
    issued_on: datetime,
    expires: datetime | None,
    assertion: dict,
    image: bytes,
    source: str,
    credential: dict | None = None,
    credential_jwt: str = "",
    saved_files: list | None = None,
) -> ExternalBadge:
    """Keep one badge issued elsewhere. The image's stored name is appended to
    `saved_files`, for the caller to remove should the transaction roll back. The trainee
    imports their own; an operator's command does so as the system (actor None)."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee imports badges into their own account.")
    issuer_uri, achievement_uri = _assertion_identity(assertion)
    badge = ExternalBadge(
        trainee=trainee,
        uid=uid,
        issuer_uri=issuer_uri,
        achievement_uri=achievement_uri,
        badge_name=badge_name,
        issuer_name=issuer_name,
        issued_on=issued_on,
        expires=expires,
        assertion=assertion,
        credential=credential,
        credential_jwt=credential_jwt,
        source=source,
    )
    # Through the storage API only: the private storage may be object storage.
    badge.image.save("badge.png", ContentFile(image), save=False)
    if saved_files is not None:
        saved_files.append(badge.image.name)
    badge.save()
    audit.append(
        actor=actor,
        action="external_badge",
        obj=badge,
        payload={"uid": str(uid), "source": source},
        chain=audit.user_chain(trainee.pk),
    )
    return badge


def _id_of(value) -> str:
    """The id of an Open Badges reference: the URL itself, or an embedded object's id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value[:500] if isinstance(value, str) else ""


def _assertion_identity(assertion) -> tuple[str, str]:
    """An Open Badges 2.0 assertion's issuer and BadgeClass ids, where it names them."""
    badge = assertion.get("badge") if isinstance(assertion, dict) else None
    issuer = badge.get("issuer") if isinstance(badge, dict) else None
    return _id_of(issuer), _id_of(badge)


@dataclass
class Upserted:
    badge: ExternalBadge | None
    outcome: str  # CREATED, REPLACED, UNCHANGED or ISSUED_HERE


CREATED, REPLACED, UNCHANGED = "created", "replaced", "unchanged"
# The trainee's own award's credential, sent back by a wallet: already held, as an award.
ISSUED_HERE = "issued here"


def _moment(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _unverified_claims(token: str) -> dict:
    """A VC-JWT's credential as it says, for naming a badge whose proof failed."""
    try:
        payload = jws.extract_compact(token.strip().encode()).payload
        claims = json.loads(payload)
    except (JoseError, ValueError) as error:
        raise ValidationError({"credential": "This is not a compact JWS."}) from error
    return claims.get("vc", claims) if isinstance(claims, dict) else {}


@transaction.atomic
def upsert_external_credential(*, actor, trainee, text: str, source: str) -> Upserted:
    """Keep an Open Badges 3.0 credential sent by a wallet or another issuer as one of the
    trainee's badges issued elsewhere, replacing the one with the same credential id.
    Verified on arrival, against the trainee's email address; one that fails is kept, and
    shown as failing, since the trainee may hold it for reasons of their own."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee adds badges to their own account.")
    report = verifying.verify(text, email=trainee.email)
    if report.failed("Reading"):
        raise ValidationError({"credential": report.steps[0].detail})
    credential = report.credential
    if not credential and report.form == "VC-JWT":
        credential = _unverified_claims(text)
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    credential_id = credential.get("id")
    issued_on = _moment(credential.get("validFrom") or credential.get("issuanceDate"))
    if not isinstance(credential_id, str) or not credential_id or not isinstance(achievement, dict):
        raise ValidationError(
            {"credential": "An Open Badges credential needs an id and an achievement."}
        )
    if issued_on is None:
        raise ValidationError({"credential": "The credential says nothing of when it was issued."})
    if OpenBadgeCredential.objects.filter(
        award__recipient=trainee, document__id=credential_id
    ).exists():
        return Upserted(None, ISSUED_HERE)
    issuer = credential.get("issuer")
    issuer_name = (issuer.get("name") or issuer.get("id")) if isinstance(issuer, dict) else issuer
    as_jwt = report.form == "VC-JWT"
    fields = {
        "badge_name": str(achievement.get("name") or "An Open Badge")[:200],
        "issuer_name": str(issuer_name or "an unnamed issuer")[:200],
        "issuer_uri": _id_of(issuer),
        "achievement_uri": _id_of(achievement),
        "issued_on": issued_on,
        "expires": _moment(credential.get("validUntil")),
        "credential": None if as_jwt else credential,
        "credential_jwt": text.strip() if as_jwt else "",
        "source": source[:500],
        "verified": report.verified,
        "verification": [
            {"check": step.name, "outcome": step.outcome, "detail": step.detail}
            for step in report.steps
        ],
        "verified_at": timezone.now(),
    }
    badge = (
        ExternalBadge.objects.select_for_update()
        .filter(trainee=trainee, credential_id=credential_id)
        .first()
    )
    if badge and (badge.credential, badge.credential_jwt) == (
        fields["credential"],
        fields["credential_jwt"],
    ):
        return Upserted(badge, UNCHANGED)
    outcome = REPLACED if badge else CREATED
    badge = badge or ExternalBadge(trainee=trainee, uid=uuid4(), credential_id=credential_id)
    for name, value in fields.items():
        setattr(badge, name, value)
    badge.save()
    audit.append(
        actor=actor,
        action="external_credential",
        obj=badge,
        payload={
            "credential_id": credential_id,
            "source": source,
            "outcome": outcome,
            "verified": report.verified,
        },
        chain=audit.user_chain(trainee.pk),
    )
    return Upserted(badge, outcome)
