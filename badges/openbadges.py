"""Open Badges 2.0 documents (hosted verification), built from awards as plain JSON-LD.

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html
Every document is public and unauthenticated; its `id` is the URL it is served at, so a
verifier can fetch the chain Assertion → BadgeClass → Issuer with nothing but HTTP.
"""

import hashlib

from django.urls import reverse

from badges import achievements, openbadges_trust
from badges.models import Award, BadgeClass, Endorsement, Issuer
from core.site import absolute_url

CONTEXT = "https://w3id.org/openbadges/v2"


def issuer_url(issuer: Issuer) -> str:
    return absolute_url(reverse("badges:ob_issuer", args=[issuer.pk]))


def badge_class_url(badge_class: BadgeClass) -> str:
    return absolute_url(reverse("badges:ob_badge_class", args=[badge_class.pk]))


def assertion_url(award: Award) -> str:
    return absolute_url(reverse("badges:award_assertion", args=[award.uid]))


def badge_image_url(badge_class: BadgeClass) -> str:
    return absolute_url(reverse("badges:badge_class_image", args=[badge_class.pk]))


def hashed_identity(email: str, salt: str) -> str:
    """The spec's hashed recipient: 'sha256$' + hex(sha256(identity + salt)), the email
    lower-cased so that verifiers hashing what a person types get the same answer."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def issuer_document(issuer: Issuer) -> dict:
    document = {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(issuer),
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    if issuer.description:
        document["description"] = issuer.description
    if issuer.image:
        document["image"] = absolute_url(reverse("badges:issuer_image", args=[issuer.pk]))
    # Whether the issuer proved its domain, and any recognised-body mark (an extension).
    document[openbadges_trust.PROPERTY] = openbadges_trust.extension(issuer)
    if endorsed := endorsement_urls(Endorsement.objects.live().filter(issuer=issuer)):
        document["endorsement"] = endorsed
    return document


def badge_class_document(badge_class: BadgeClass) -> dict:
    document = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(badge_class),
        "name": badge_class.name,
        "description": badge_class.description,
        "image": badge_image_url(badge_class),
        "criteria": {
            "id": absolute_url(reverse("badges:badge_class_detail", args=[badge_class.pk])),
            "narrative": badge_class.criteria,
        },
        "issuer": issuer_url(badge_class.issuer),
        "tags": list(badge_class.tags),
        "alignment": [
            {
                "targetName": f"{item.code} {item.title}",
                "targetUrl": absolute_url(item.get_absolute_url()),
                "targetFramework": f"{item.framework.name} {item.framework.version}",
                "targetCode": item.code,
                **({"targetDescription": item.description} if item.description else {}),
            }
            for item in badge_class.alignments.select_related("framework").order_by(
                "position", "code"
            )
        ],
    }
    if endorsed := endorsement_urls(Endorsement.objects.live().filter(badge_class=badge_class)):
        document["endorsement"] = endorsed
    return document


def assertion_document(award: Award) -> dict:
    """The hosted assertion, with evidence of how the badge was earned."""
    document = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.salt,
            "identity": hashed_identity(award.recipient_email, award.salt),
        },
        "badge": badge_class_url(award.badge_class),
        "verification": {"type": "hosted"},
        "issuedOn": award.issued_on.isoformat(),
        "image": absolute_url(reverse("badges:award_baked_png", args=[award.uid])),
    }
    if award.expires:
        document["expires"] = award.expires.isoformat()
    # How the criteria were met, as recorded when the badge was awarded: counts and dates,
    # or who awarded it by hand, never the criteria again (the BadgeClass states those). The
    # issuer's own narrative of a badge awarded by hand follows once the trainee makes the
    # badge public.
    statement = achievements.describe(award)
    narrative = statement.as_text()
    if award.public and statement.narrative:
        narrative = f"{narrative}\n\n{statement.narrative}"
    document["evidence"] = [{"id": absolute_url(award.get_absolute_url()), "narrative": narrative}]
    return document


def revoked_document(award: Award) -> dict:
    """What a revoked assertion's URL answers, with HTTP 410 Gone."""
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": assertion_url(award),
        "revoked": True,
        "revocationReason": award.revocation_reason,
    }


# --- Endorsements ---------------------------------------------------------------------------------


def endorsement_url(endorsement: Endorsement) -> str:
    return absolute_url(reverse("badges:ob_endorsement", args=[endorsement.uid]))


def endorsement_urls(endorsements) -> list[str]:
    """The standing endorsements of an issuer or badge class, oldest first, by their URLs
    (the `endorsement` property of the endorsed Issuer or BadgeClass)."""
    return [endorsement_url(e) for e in endorsements.order_by("pk").only("uid")]


def endorsement_target_url(endorsement: Endorsement) -> str:
    if endorsement.badge_class_id:
        return badge_class_url(endorsement.badge_class)
    return issuer_url(endorsement.issuer)


def endorsement_document(endorsement: Endorsement) -> dict:
    """The hosted Endorsement: the endorser's claim about the BadgeClass or Issuer."""
    return {
        "@context": CONTEXT,
        "type": "Endorsement",
        "id": endorsement_url(endorsement),
        "claim": {
            "id": endorsement_target_url(endorsement),
            "endorsementComment": endorsement.claim,
        },
        "issuer": issuer_url(endorsement.endorser),
        "issuedOn": endorsement.created_at.isoformat(),
        "verification": {"type": "hosted"},
    }


def withdrawn_endorsement_document(endorsement: Endorsement) -> dict:
    """What a withdrawn endorsement's URL answers, with HTTP 410 Gone, as a revoked
    assertion's does."""
    return {
        "@context": CONTEXT,
        "type": "Endorsement",
        "id": endorsement_url(endorsement),
        "revoked": True,
        "revocationReason": endorsement.withdrawal_reason,
    }
