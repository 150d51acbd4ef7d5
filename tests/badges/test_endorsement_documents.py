"""Endorsements in the Open Badges documents: the 2.0 Endorsement and the endorsed
BadgeClass's and Issuer's `endorsement`; the 3.0 EndorsementCredential, which verifies with
Waymark's verifier and Digital Bazaar's, embedded in the endorsed Achievement and Profile;
and what a withdrawal changes in each."""

import json
from datetime import datetime
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.utils import timezone

from badges.models import Award, BadgeClass
from badges.ob3 import verifying
from badges.services import awarding, endorsements
from tests.badges.endorsing import CLAIM, college, endorse, endorsed_class, trust_issuer
from tests.badges.ob3_independent import published_documents, verify_independently

pytestmark = pytest.mark.django_db

__all__ = ["college", "endorsed_class", "trust_issuer"]

VERIFIED = {"verified": True, "revoked": False, "error": None}
MOMENT = "2026-03-02T10:30:00+00:00"

# What OB 3.0 (§B.1.8 EndorsementCredential, §B.1.9 EndorsementSubject, §B.1.18 Profile)
# requires of an EndorsementCredential, as JSON Schema: the 1EdTech schema's required
# properties and types, for the properties Waymark writes.
ENDORSEMENT_CREDENTIAL = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "type": "object",
    "required": [
        "@context",
        "type",
        "id",
        "name",
        "credentialSubject",
        "issuer",
        "validFrom",
    ],
    "properties": {
        "@context": {
            "type": "array",
            "minItems": 2,
            "prefixItems": [
                {"const": "https://www.w3.org/ns/credentials/v2"},
                {
                    "pattern": "^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.\\d\\.\\d)*\\.json$"
                },
            ],
        },
        "type": {"type": "array", "contains": {"const": "EndorsementCredential"}},
        "id": {"type": "string", "format": "uri"},
        "name": {"type": "string"},
        "credentialSubject": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string", "format": "uri"},
                "type": {"type": "array", "contains": {"const": "EndorsementSubject"}},
                "endorsementComment": {"type": "string"},
            },
        },
        "issuer": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string", "format": "uri"},
                "type": {"type": "array", "contains": {"const": "Profile"}},
            },
        },
        "validFrom": {"type": "string", "format": "date-time"},
        "credentialSchema": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "type"]},
        },
        "credentialStatus": {
            "type": "object",
            "required": ["id", "type"],
        },
        "proof": {
            "type": "object",
            "required": ["type", "cryptosuite", "proofPurpose", "proofValue", "verificationMethod"],
        },
    },
}


@pytest.fixture
def endorsements_made(college, trust_issuer, endorsed_class, org_b_admin, monkeypatch):
    # Made at a moment held still, which the documents state.
    with monkeypatch.context() as held:
        held.setattr(timezone, "now", lambda: datetime.fromisoformat(MOMENT))
        return (
            endorse(org_b_admin, college, endorsed_class),
            endorse(org_b_admin, college, trust_issuer, claim="A trust that teaches well."),
        )


def test_the_open_badges_2_endorsement(client, settings, endorsements_made, college):
    of_class, _of_issuer = endorsements_made
    response = client.get(f"/ob/v2/endorsements/{of_class.uid}")
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    assert response.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Endorsement",
        "id": f"{settings.SITE_URL}/ob/v2/endorsements/{of_class.uid}",
        "claim": {
            "id": f"{settings.SITE_URL}/ob/v2/badge-classes/{of_class.badge_class_id}",
            "endorsementComment": CLAIM,
        },
        "issuer": f"{settings.SITE_URL}/ob/v2/issuers/{college.pk}",
        "issuedOn": MOMENT,
        "verification": {"type": "hosted"},
    }


def test_the_endorsed_badge_class_and_issuer_list_their_endorsements(
    client, settings, endorsements_made, endorsed_class, trust_issuer
):
    of_class, of_issuer = endorsements_made
    badge_class = client.get(f"/ob/v2/badge-classes/{endorsed_class.pk}").json()
    assert badge_class["endorsement"] == [f"{settings.SITE_URL}/ob/v2/endorsements/{of_class.uid}"]
    issuer = client.get(f"/ob/v2/issuers/{trust_issuer.pk}").json()
    assert issuer["endorsement"] == [f"{settings.SITE_URL}/ob/v2/endorsements/{of_issuer.uid}"]
    other = BadgeClass.objects.exclude(pk=endorsed_class.pk).first()
    assert "endorsement" not in client.get(f"/ob/v2/badge-classes/{other.pk}").json()


def test_a_withdrawn_endorsement_answers_410_and_leaves_the_documents(
    client, endorsements_made, endorsed_class, org_b_admin
):
    of_class, _ = endorsements_made
    endorsements.withdraw_endorsement(
        actor=org_b_admin, endorsement=of_class, reason="The outcomes changed."
    )
    response = client.get(f"/ob/v2/endorsements/{of_class.uid}")
    assert response.status_code == 410
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "The outcomes changed."
    assert "endorsement" not in client.get(f"/ob/v2/badge-classes/{endorsed_class.pk}").json()


def test_an_unknown_endorsement_is_404(client, db):
    assert client.get("/ob/v2/endorsements/9b0a6c1e-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/ob/v3/endorsements/9b0a6c1e-0000-4000-8000-000000000000").status_code == 404


def test_the_endorsement_credential(client, settings, endorsements_made, college, endorsed_class):
    of_class, of_issuer = endorsements_made
    document = client.get(f"/ob/v3/endorsements/{of_class.uid}").json()
    assert document == of_class.credential
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["issuer"]["id"] == f"{settings.SITE_URL}/ob/v3/issuers/{college.pk}"
    assert document["validFrom"] == "2026-03-02T10:30:00Z"
    assert document["credentialSubject"] == {
        "id": f"{settings.SITE_URL}/badges/classes/{endorsed_class.pk}/",
        "type": ["EndorsementSubject"],
        "endorsementComment": CLAIM,
    }
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    issuer_subject = of_issuer.credential["credentialSubject"]["id"]
    assert issuer_subject == f"{settings.SITE_URL}/ob/v3/issuers/{of_issuer.issuer_id}"
    for credential in (document, of_issuer.credential):
        jsonschema.validate(
            credential, ENDORSEMENT_CREDENTIAL, format_checker=jsonschema.FormatChecker()
        )
    jwt = client.get(f"/ob/v3/endorsements/{of_class.uid}.jwt")
    assert jwt["Content-Type"] == "application/vc+jwt"
    assert jwt.content.decode() == of_class.credential_jwt


def test_the_credential_verifies_with_waymarks_verifier_in_both_forms(endorsements_made):
    of_class, _ = endorsements_made
    for form in (json.dumps(of_class.credential), of_class.credential_jwt):
        report = verifying.verify(form)
        assert report.verified, [(s.name, s.outcome, s.detail) for s in report.steps]
        assert [s.name for s in report.steps] == ["Proof", "Issuer", "Status", "Validity"]
        assert "Royal College of Elsewhere" in report.steps[1].detail


def test_a_tampered_claim_fails_its_proof(endorsements_made):
    of_class, _ = endorsements_made
    tampered = {**of_class.credential}
    tampered["credentialSubject"] = {
        **tampered["credentialSubject"],
        "endorsementComment": "Meets every outcome there is.",
    }
    assert verifying.verify(json.dumps(tampered)).failed("Proof")


def test_a_withdrawn_credential_fails_its_status(endorsements_made, org_b_admin):
    of_class, _ = endorsements_made
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=of_class, reason="Old.")
    of_class.refresh_from_db()
    assert verifying.verify(json.dumps(of_class.credential)).failed("Status")
    assert verifying.verify(of_class.credential_jwt).failed("Status")


def test_the_credential_verifies_independently_and_its_withdrawal_is_seen(
    client, endorsements_made, org_b_admin
):
    of_class, _ = endorsements_made
    document = of_class.credential
    urls = [document["issuer"]["id"], document["credentialStatus"]["statusListCredential"]]
    outcome = verify_independently(
        [document, of_class.credential_jwt], published_documents(client, urls)
    )
    assert outcome == [VERIFIED, VERIFIED]
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=of_class, reason="Old.")
    outcome = verify_independently(document, published_documents(client, urls))
    assert outcome["revoked"] is True and outcome["verified"] is False


def test_the_endorsed_profile_and_achievement_embed_the_credentials(
    client, endorsements_made, trust_issuer, endorsed_class, enrolled_trainee, org_admin
):
    of_class, of_issuer = endorsements_made
    profile = client.get(f"/ob/v3/issuers/{trust_issuer.pk}").json()
    assert profile["endorsement"] == [of_issuer.credential]
    award = awarding.award_badge(
        badge_class=endorsed_class, recipient=enrolled_trainee, actor=org_admin, narrative="Hosted."
    )
    credential = client.get(f"/ob/v3/credentials/{award.uid}").json()
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["endorsement"] == [of_class.credential]
    # The award's credential, with the endorsement inside it, still verifies, in Waymark
    # and independently, with the endorsed issuer's profile (holding its own) as published.
    report = verifying.verify(json.dumps(credential))
    assert report.verified, [(s.name, s.outcome, s.detail) for s in report.steps]
    urls = [credential["issuer"]["id"], credential["credentialStatus"]["statusListCredential"]]
    outcome = verify_independently(credential, published_documents(client, urls))
    assert outcome == VERIFIED


def test_withdrawn_endorsements_leave_newly_made_documents(
    client,
    endorsements_made,
    trust_issuer,
    endorsed_class,
    enrolled_trainee,
    org_admin,
    org_b_admin,
):
    of_class, of_issuer = endorsements_made
    for endorsement in endorsements_made:
        endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")
    assert "endorsement" not in client.get(f"/ob/v3/issuers/{trust_issuer.pk}").json()
    award = awarding.award_badge(
        badge_class=endorsed_class, recipient=enrolled_trainee, actor=org_admin, narrative="Hosted."
    )
    credential = client.get(f"/ob/v3/credentials/{award.uid}").json()
    assert "endorsement" not in credential["credentialSubject"]["achievement"]
    # The endorsement's own credential stays as signed; its status list says it was withdrawn.
    assert client.get(f"/ob/v3/endorsements/{of_class.uid}").json() == of_class.credential
    assert Award.objects.count() == 1
    path = urlsplit(of_class.credential["credentialStatus"]["statusListCredential"]).path
    assert client.get(path).status_code == 200
