"""Every award is also an Open Badges 3.0 credential that verifies with an independent
implementation (Digital Bazaar's), in both forms, and fails for the right reason when
tampered with, revoked or expired."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from badges.models import BadgeClass, OpenBadgeCredential
from badges.ob3 import issuing, verifying
from badges.services import awarding
from tests.badges.ob3_independent import published_documents, verify_independently

pytestmark = pytest.mark.django_db

VERIFIED = {"verified": True, "revoked": False, "error": None}


@pytest.fixture
def award(badge_classes, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
        narrative="Hosted #FOAMed journal club on sepsis guidelines.",
    )


def download(client, award):
    """The credential in both forms, as a wallet would download them."""
    document = client.get(f"/ob/v3/credentials/{award.uid}").json()
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    return document, jwt


def documents_for(client, document):
    """What a verifier dereferences: the issuer's profile (its keys) and the status list."""
    return published_documents(
        client,
        [document["issuer"]["id"], document["credentialStatus"]["statusListCredential"]],
    )


def test_the_credential_is_an_open_badge_credential_of_vc_data_model_2(client, award, settings):
    document, _jwt = download(client, award)
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{settings.SITE_URL}/ob/v3/credentials/{award.uid}"
    issuer = award.badge_class.issuer
    assert document["issuer"] == {
        "id": f"{settings.SITE_URL}/ob/v3/issuers/{issuer.pk}",
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
    }
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityHash"].startswith("sha256$")
    assert award.recipient_email not in str(document)
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "Badge"
    assert achievement["criteria"]["narrative"].startswith("Hold the Journal club regular badge")
    assert {a["targetCode"] for a in achievement["alignment"]} == {"FPC10", "FPC13"}
    assert document["credentialSchema"][0]["type"] == "JsonSchema"
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert document["validFrom"].endswith("Z")


def test_both_forms_verify_with_an_independent_implementation(client, award):
    document, jwt = download(client, award)
    documents = documents_for(client, document)
    assert verify_independently(document, documents) == VERIFIED
    assert verify_independently(jwt, documents) == VERIFIED


def test_a_tampered_credential_fails_its_proof(client, award):
    document, jwt = download(client, award)
    documents = documents_for(client, document)
    document["credentialSubject"]["achievement"]["name"] = "Consultant of the year"
    outcome = verify_independently(document, documents)
    assert outcome["verified"] is False and "Invalid signature" in outcome["error"]
    header, payload, signature = jwt.split(".")
    tampered = ".".join([header, payload[:-4] + "AAAA", signature])
    outcome = verify_independently(tampered, documents)
    assert outcome["verified"] is False and "signature verification failed" in outcome["error"]
    report = verifying.verify(json.dumps(document))
    assert report.failed("Proof")


def test_a_credential_downloaded_before_revocation_then_fails_as_revoked(client, award, org_admin):
    document, jwt = download(client, award)
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded to the wrong trainee")
    documents = documents_for(client, document)
    assert verify_independently(document, documents) == {
        "verified": False,
        "revoked": True,
        "error": "revoked",
    }
    assert verify_independently(jwt, documents)["revoked"] is True
    assert verifying.verify(jwt).failed("Status")


def test_an_expired_credential_fails_by_its_valid_until(client, award):
    assert "validUntil" not in download(client, award)[0]
    BadgeClass.objects.filter(slug="journal-club-regular").update(valid_for_months=12)
    expiring = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-regular"),
        recipient=award.recipient,
        actor=award.awarded_by,
    )
    document, jwt = download(client, expiring)
    assert document["validUntil"].startswith(f"{expiring.expires:%Y-%m-%d}")
    documents = documents_for(client, document)
    later = expiring.expires + timedelta(days=1)
    outcome = verify_independently(document, documents, now=later)
    assert outcome["verified"] is False and '"validUntil"' in outcome["error"]
    outcome = verify_independently(jwt, documents, now=later)
    assert outcome["verified"] is False and '"exp" claim' in outcome["error"]
    assert verifying.verify(jwt, now=later).failed("Validity")
    assert verify_independently(document, documents) == VERIFIED


def test_the_recipient_check_matches_only_the_recipients_email(client, award):
    _document, jwt = download(client, award)
    assert not verifying.verify(jwt, email="trainee@example.org").failed("Recipient")
    assert verifying.verify(jwt, email=" Trainee@Example.org ").verified
    wrong = verifying.verify(jwt, email="someone.else@example.org")
    assert wrong.failed("Recipient") and not wrong.verified


def test_the_credential_is_signed_once_and_served_as_stored(client, award):
    first, first_jwt = download(client, award)
    again, again_jwt = download(client, award)
    assert first == again and first_jwt == again_jwt
    assert OpenBadgeCredential.objects.filter(award=award).count() == 1


def test_an_award_made_before_open_badges_3_gets_its_credential_on_first_request(client, award):
    OpenBadgeCredential.objects.filter(award=award).delete()
    document, _jwt = download(client, award)
    assert OpenBadgeCredential.objects.get(award=award).document == document
    assert issuing.credential_for(award).document == document


def test_a_revoked_award_without_a_credential_gets_none(client, award, org_admin):
    OpenBadgeCredential.objects.filter(award=award).delete()
    awarding.revoke_award(award=award, actor=org_admin, reason="Awarded in error")
    assert client.get(f"/ob/v3/credentials/{award.uid}").status_code == 404
    assert not OpenBadgeCredential.objects.filter(award=award).exists()


def test_credential_status_indexes_are_random_and_unique_within_a_list(
    client, badge_classes, enrolled_trainee, org_admin
):
    indexes = set()
    for slug in ["journal-club-host", "journal-club-regular", "peer-teacher"]:
        award = awarding.award_badge(
            badge_class=BadgeClass.objects.get(slug=slug),
            recipient=enrolled_trainee,
            actor=org_admin,
        )
        entry = download(client, award)[0]["credentialStatus"]
        indexes.add(int(entry["statusListIndex"]))
        assert urlsplit(entry["statusListCredential"]).path.startswith("/ob/v3/status-lists/")
    assert len(indexes) == 3
    # Random, not sequential: three consecutive awards do not sit side by side.
    assert max(indexes) - min(indexes) > 2


def test_the_credential_costs_a_fixed_number_of_queries(client, award, django_assert_num_queries):
    download(client, award)
    with django_assert_num_queries(2):
        client.get(f"/ob/v3/credentials/{award.uid}")


def test_every_demo_award_verifies_independently_in_both_forms(client):
    from io import StringIO

    from django.core.management import call_command

    from badges.models import Award

    call_command("seed_demo", stdout=StringIO())
    awards = list(Award.objects.standing())
    assert len(awards) >= 5
    forms, urls = [], set()
    for award in awards:
        document, jwt = download(client, award)
        forms += [document, jwt]
        urls |= {document["issuer"]["id"], document["credentialStatus"]["statusListCredential"]}
    outcomes = verify_independently(forms, published_documents(client, urls))
    assert outcomes == [VERIFIED] * len(forms)
