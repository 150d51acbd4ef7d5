"""Badges issued elsewhere: those that arrive with an imported portfolio, kept as they
came, original assertion and baked image; and the trainee's backpack, badges they add
themselves (an Open Badges 2.0 hosted assertion's address, a baked PNG or SVG, an Open
Badges 3.0 credential as JSON or a JWT) or that a wallet sends through the Open Badges API.
Those are verified on arrival, refused with the reason when they do not verify, and
re-verified daily. Never awards here; an `external_badge` rule counts those that verify
and have not expired."""

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from joserfc import jws
from joserfc.errors import JoseError

from audit import services as audit
from badges import ob2_verifying, selectors
from badges.models import Award, ExternalBadge, OpenBadgeCredential
from badges.ob3 import remote, verifying
from badges.services import backpack_input
from badges.services.awarding import request_evaluation


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
    assertion: dict | None,
    image: bytes | None,
    source: str,
    image_name: str = "badge.png",
    credential: dict | None = None,
    credential_jwt: str = "",
    issuer_uri: str = "",
    achievement_uri: str = "",
    public: bool = False,
    saved_files: list | None = None,
) -> ExternalBadge:
    """Keep one badge issued elsewhere, as an archive carried it. The image's stored name is
    appended to `saved_files`, for the caller to remove should the transaction roll back.
    The trainee imports their own; an operator's command does so as the system (actor
    None). Kept unchecked: the daily re-check verifies it here."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee imports badges into their own account.")
    named_issuer, named_achievement = _assertion_identity(assertion)
    badge = ExternalBadge(
        trainee=trainee,
        uid=uid,
        issuer_uri=issuer_uri or named_issuer,
        achievement_uri=achievement_uri or named_achievement,
        public=public,
        badge_name=badge_name,
        issuer_name=issuer_name,
        issued_on=issued_on,
        expires=expires,
        assertion=assertion,
        credential=credential,
        credential_jwt=credential_jwt,
        source=source,
    )
    if image is not None:
        # Through the storage API only: the private storage may be object storage.
        badge.image.save(image_name or "badge.png", ContentFile(image), save=False)
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
ALREADY_HERE = "This badge was issued on this site: it is already in your badges."
ISSUED_TO_SOMEONE_ELSE = "This badge was issued on this site, and not to you."


def _moment(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _steps(report: verifying.Report) -> list[dict]:
    return [
        {"check": step.name, "outcome": step.outcome, "detail": step.detail}
        for step in report.steps
    ]


def _refuse_unless_verified(report: verifying.Report, field: str) -> None:
    """Unverifiable input is refused with its reasons; checks that could not be made (a
    status list that did not answer) stay in the report as warnings."""
    reasons = [f"{s.name}: {s.detail}" for s in report.steps if s.outcome == verifying.FAILED]
    if reasons or not report.steps:
        raise ValidationError({field: reasons or ["It could not be verified."]})


@transaction.atomic
def add_to_backpack(
    *, actor, trainee, url: str | None = None, upload=None, text: str | None = None, source: str
) -> Upserted:
    """Add a badge issued elsewhere to the trainee's backpack: by the address of its hosted
    Open Badges 2.0 assertion (`url`), as a baked PNG or SVG (`upload`, 2.0 or 3.0), or as
    an Open Badges 3.0 credential, JSON or a JWT (`text`). Verified against the trainee's
    verified email addresses, and refused in words, by field, unless it verifies. The same
    assertion or credential again replaces the one held, or leaves it unchanged."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee adds badges to their own account.")
    arrived = backpack_input.read(url=url, upload=upload, text=text)
    if arrived.standard == "2.0":
        upserted = _add_hosted(actor=actor, trainee=trainee, arrived=arrived, source=source)
    else:
        upserted = _add_credential(
            actor=actor, trainee=trainee, text=arrived.text, source=source, field=arrived.field,
            image=arrived.image, refuse=True,
        )  # fmt: skip
    if upserted.outcome == ISSUED_HERE:
        raise ValidationError({arrived.field: ALREADY_HERE})
    return upserted


def _add_hosted(*, actor, trainee, arrived, source: str) -> Upserted:
    try:
        hosted = ob2_verifying.verify(arrived.text, emails=selectors.verified_emails(trainee))
    except ob2_verifying.NotOpenBadge as error:
        raise ValidationError({arrived.field: str(error)}) from error
    except ob2_verifying.IssuedHere as here:
        if Award.objects.filter(recipient=trainee, uid=here.uid).exists():
            return Upserted(None, ISSUED_HERE)
        raise ValidationError({arrived.field: ISSUED_TO_SOMEONE_ELSE}) from None
    _refuse_unless_verified(hosted.report, arrived.field)
    assertion, badge_class, issuer = hosted.assertion, hosted.badge_class, hosted.issuer
    fields = {
        "badge_name": str(badge_class.get("name") or "An Open Badge")[:200],
        "issuer_name": str(issuer.get("name") or issuer.get("id"))[:200],
        "issuer_uri": _id_of(issuer),
        "achievement_uri": _id_of(badge_class),
        "issued_on": ob2_verifying.moment(assertion.get("issuedOn")),
        "expires": ob2_verifying.moment(assertion.get("expires")),
        "assertion": assertion,
        "credential": None,
        "credential_jwt": "",
    }
    return _keep(
        actor=actor, trainee=trainee, key=hosted.url, fields=fields, report=hosted.report,
        source=source, image=arrived.image,
    )  # fmt: skip


def _unverified_claims(token: str) -> dict:
    """A VC-JWT's credential as it says, for naming a badge whose proof failed."""
    try:
        payload = jws.extract_compact(token.strip().encode()).payload
        claims = json.loads(payload)
    except (JoseError, ValueError) as error:
        raise ValidationError({"credential": "This is not a compact JWS."}) from error
    return claims.get("vc", claims) if isinstance(claims, dict) else {}


def verify_credential(text: str, trainee) -> verifying.Report:
    with remote.allowing_local(settings.BACKPACK_ALLOW_HTTP):
        return verifying.verify(text, emails=selectors.verified_emails(trainee))


@transaction.atomic
def upsert_external_credential(*, actor, trainee, text: str, source: str) -> Upserted:
    """Keep an Open Badges 3.0 credential sent by a wallet or another issuer as one of the
    trainee's badges issued elsewhere, replacing the one with the same credential id.
    Verified on arrival against the trainee's verified addresses; one whose proof,
    recipient, status or dates fail is refused, with the reasons, keyed `credential`."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee adds badges to their own account.")
    return _add_credential(
        actor=actor, trainee=trainee, text=text, source=source, field="credential", refuse=True
    )


def _add_credential(
    *, actor, trainee, text: str, source: str, field: str, image=None, refuse: bool
) -> Upserted:
    report = verify_credential(text, trainee)
    if report.failed("Reading"):
        raise ValidationError({field: report.steps[0].detail})
    credential = report.credential
    if not credential and report.form == "VC-JWT":
        credential = _unverified_claims(text)
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    credential_id = credential.get("id")
    try:
        issued_on = _moment(credential.get("validFrom") or credential.get("issuanceDate"))
        expires = _moment(credential.get("validUntil"))
    except (ValueError, TypeError) as error:
        raise ValidationError({field: "The credential's dates are not dates."}) from error
    if not isinstance(credential_id, str) or not credential_id or not isinstance(achievement, dict):
        raise ValidationError({field: "An Open Badges credential needs an id and an achievement."})
    if issued_on is None:
        raise ValidationError({field: "The credential says nothing of when it was issued."})
    if OpenBadgeCredential.objects.filter(
        award__recipient=trainee, document__id=credential_id
    ).exists():
        return Upserted(None, ISSUED_HERE)
    if refuse:
        _refuse_unless_verified(report, field)
    issuer = credential.get("issuer")
    issuer_name = (issuer.get("name") or issuer.get("id")) if isinstance(issuer, dict) else issuer
    as_jwt = report.form == "VC-JWT"
    fields = {
        "badge_name": str(achievement.get("name") or "An Open Badge")[:200],
        "issuer_name": str(issuer_name or "an unnamed issuer")[:200],
        "issuer_uri": _id_of(issuer),
        "achievement_uri": _id_of(achievement),
        "issued_on": issued_on,
        "expires": expires,
        "assertion": None,
        "credential": None if as_jwt else credential,
        "credential_jwt": text.strip() if as_jwt else "",
    }
    return _keep(
        actor=actor, trainee=trainee, key=credential_id[:500], fields=fields, report=report,
        source=source, image=image,
    )  # fmt: skip


def _keep(*, actor, trainee, key: str, fields: dict, report, source: str, image) -> Upserted:
    """Create, replace or leave unchanged the trainee's badge with this assertion or
    credential id, its verification refreshed either way; audited, and the trainee's
    awards evaluated again, when it changes."""
    badge = (
        ExternalBadge.objects.select_for_update().filter(trainee=trainee, credential_id=key).first()
    )
    checked = {"verified": report.verified, "verification": _steps(report)}
    now = timezone.now()
    same = ("assertion", "credential", "credential_jwt")
    if badge and all(getattr(badge, name) == fields[name] for name in same):
        for name, value in checked.items():
            setattr(badge, name, value)
        badge.verified_at = now
        badge.save(update_fields=[*checked, "verified_at"])
        return Upserted(badge, UNCHANGED)
    outcome = REPLACED if badge else CREATED
    badge = badge or ExternalBadge(trainee=trainee, uid=uuid4(), credential_id=key)
    for name, value in {**fields, **checked, "source": source[:500], "verified_at": now}.items():
        setattr(badge, name, value)
    if image is not None:
        badge.image.save(f"badge.{image.extension}", ContentFile(image.content), save=False)
    badge.save()
    audit.append(
        actor=actor,
        action="external_credential",
        obj=badge,
        payload={"credential_id": key, "source": source, "outcome": outcome,
                 "verified": report.verified},
        chain=audit.user_chain(trainee.pk),
    )  # fmt: skip
    request_evaluation(trainee_id=trainee.pk)
    return Upserted(badge, outcome)


# --- The trainee's choices, and re-verification ----------------------------------------------


@transaction.atomic
def set_external_badge_public(*, actor, badge: ExternalBadge, public: bool) -> ExternalBadge:
    """Show a badge issued elsewhere on the trainee's public profile, or hide it."""
    if actor.pk != badge.trainee_id:
        raise PermissionDenied("Only the trainee chooses what their public profile shows.")
    if badge.public != public:
        ExternalBadge.objects.filter(pk=badge.pk).update(public=public)
        badge.public = public
        audit.append(
            actor=actor,
            action="external_badge_visibility",
            obj=badge,
            payload={"uid": str(badge.uid), "public": public},
            chain=audit.user_chain(badge.trainee_id),
        )
    return badge


@transaction.atomic
def remove_external_badge(*, actor, badge: ExternalBadge) -> None:
    """The trainee removes a badge issued elsewhere from their backpack; rules that counted
    it are evaluated again (an award it helped to earn stays: awards record how)."""
    if actor.pk != badge.trainee_id:
        raise PermissionDenied("Only the trainee removes badges from their backpack.")
    audit.append(
        actor=actor,
        action="external_badge_removed",
        obj=badge,
        payload={"uid": str(badge.uid), "credential_id": badge.credential_id},
        chain=audit.user_chain(badge.trainee_id),
    )
    image = badge.image.name
    badge.delete()
    if image:
        transaction.on_commit(lambda: ExternalBadge.image.field.storage.delete(image))
    request_evaluation(trainee_id=badge.trainee_id)


def report_for(badge: ExternalBadge, *, now: datetime | None = None) -> verifying.Report:
    """The badge checked again from what it was added as: the hosted assertion's address,
    fetched afresh, or the credential as held."""
    emails = selectors.verified_emails(badge.trainee)
    if badge.credential or badge.credential_jwt:
        text = badge.credential_jwt or json.dumps(badge.credential)
        with remote.allowing_local(settings.BACKPACK_ALLOW_HTTP):
            return verifying.verify(text, emails=emails, now=now)
    # Added to the backpack, it is known by its assertion's address; brought by an archive,
    # the assertion it carried names it.
    address = badge.credential_id or _id_of(badge.assertion)
    try:
        return ob2_verifying.verify(address, emails=emails, now=now).report
    except (ob2_verifying.NotOpenBadge, ob2_verifying.IssuedHere) as error:
        report = verifying.Report()
        report.add("Reading", verifying.FAILED, str(error))
        return report


def reverify_external_badge(*, badge_id: int, now: datetime | None = None) -> bool | None:
    """Verify a badge in a backpack again (the system, daily): a badge since revoked, expired
    or no longer answering shows so and stops counting. Its verdict and steps are saved,
    audited when the verdict changes, and the trainee's awards evaluated again then. Running
    twice does no harm. The verdict, or None for a badge that is gone."""
    now = now or timezone.now()
    badge = ExternalBadge.objects.select_related("trainee").filter(pk=badge_id).first()
    if badge is None:
        return None
    # The network is asked outside the transaction, so no row is locked while it answers.
    report = report_for(badge, now=now)
    with transaction.atomic():
        badge = ExternalBadge.objects.select_for_update().filter(pk=badge_id).first()
        if badge is None:
            return None
        changed = badge.verified != report.verified
        badge.verified, badge.verification, badge.verified_at = (
            report.verified,
            _steps(report),
            now,
        )
        badge.save(update_fields=["verified", "verification", "verified_at"])
        if changed:
            audit.append(
                actor=None,
                action="external_badge_reverified",
                obj=badge,
                payload={"uid": str(badge.uid), "verified": report.verified},
                chain=audit.user_chain(badge.trainee_id),
            )
            request_evaluation(trainee_id=badge.trainee_id)
    return report.verified
