"""Open Badges 3.0 credential documents, built from awards as plain JSON-LD (unsigned).

Spec: https://www.imsglobal.org/spec/ob/v3p0/ — an OpenBadgeCredential is a W3C Verifiable
Credential (Data Model 2.0) whose subject is an AchievementSubject holding the Achievement.
The recipient is identified as in 2.0, by a salted SHA-256 hash of their email, so that the
credential names nobody to whoever merely reads it.
"""

from datetime import UTC, datetime

from django.urls import reverse

from badges import achievements
from badges.models import Award, BadgeClass, Endorsement, Issuer
from badges.ob3 import urls
from badges.ob3.contexts import CREDENTIALS_V2, OPEN_BADGES_V3
from badges.openbadges import badge_image_url, hashed_identity
from core.site import absolute_url

CONTEXT = [CREDENTIALS_V2, OPEN_BADGES_V3]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    # VC JSON Schema's "JsonSchema" (2019-09 schemas included), which the credentials v2
    # context defines. OB 3.0's examples write "1EdTechJsonSchemaValidator2019", a type no
    # bundled context defines: JSON-LD processors in safe mode refuse it, and others drop it
    # from what the proof covers.
    "type": "JsonSchema",
}


def timestamp(moment: datetime) -> str:
    """XML Schema dateTime in UTC, to the second, as the VC data model's examples write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(issuer: Issuer) -> dict:
    return {
        "id": urls.profile_url(issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }


def achievement_id(badge_class: BadgeClass) -> str:
    """The Achievement's id: the badge class's public page."""
    return absolute_url(reverse("badges:badge_class_detail", args=[badge_class.pk]))


def achievement(award: Award) -> dict:
    badge_class = award.badge_class
    detail = achievement_id(badge_class)
    document = {
        "id": detail,
        "type": ["Achievement"],
        "achievementType": "Badge",
        "name": badge_class.name,
        "description": badge_class.description,
        "criteria": {"id": detail, "narrative": badge_class.criteria},
        "image": {"id": badge_image_url(badge_class), "type": "Image"},
        "creator": issuer_profile(badge_class.issuer),
    }
    if badge_class.tags:
        document["tag"] = list(badge_class.tags)
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": f"{item.code} {item.title}",
            "targetUrl": absolute_url(item.get_absolute_url()),
            "targetFramework": f"{item.framework.name} {item.framework.version}",
            "targetCode": item.code,
            # Curriculum outcomes are competencies; the CTDL-ASN term is the one OB 3.0 offers.
            "targetType": "ceasn:Competency",
            **({"targetDescription": item.description} if item.description else {}),
        }
        for item in badge_class.alignments.select_related("framework").order_by("position", "code")
    ]
    if alignments:
        document["alignment"] = alignments
    # The endorsements standing as the credential is signed, each as its endorser signed it.
    endorsed = Endorsement.objects.live().filter(badge_class=badge_class).order_by("pk")
    if endorsements := [endorsement.credential for endorsement in endorsed]:
        document["endorsement"] = endorsements
    return document


def evidence(award: Award) -> list[dict]:
    """As in the 2.0 assertion: how the criteria were met, and the issuer's own narrative
    only once the trainee made the badge public (as it was when the credential was signed)."""
    statement = achievements.describe(award)
    narrative = statement.as_text()
    if award.public and statement.narrative:
        narrative = f"{narrative}\n\n{statement.narrative}"
    return [
        {
            "id": absolute_url(award.get_absolute_url()),
            "type": ["Evidence"],
            "name": "How the badge was earned",
            "narrative": narrative,
        }
    ]


def credential_document(award: Award, *, status_entry: dict) -> dict:
    """The unsigned credential: everything but the proof."""
    document = {
        "@context": CONTEXT,
        "id": urls.credential_url(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.badge_class.name,
        "issuer": issuer_profile(award.badge_class.issuer),
        "validFrom": timestamp(award.issued_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": hashed_identity(award.recipient_email, award.salt),
                    "salt": award.salt,
                }
            ],
            "achievement": achievement(award),
        },
        "evidence": evidence(award),
        "credentialSchema": [SCHEMA],
        "credentialStatus": status_entry,
    }
    if award.expires:
        document["validUntil"] = timestamp(award.expires)
    return document
