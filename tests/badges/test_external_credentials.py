"""Credentials sent through the Open Badges API become the trainee's badges issued
elsewhere: verified on arrival, replaced by id, and shown on the trainee's badges page
with whether they verified and why not."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from badges import demo
from badges.models import BadgeClass, ExternalBadge
from badges.ob3.issuing import credential_for
from badges.services import awarding
from badges.services.external import (
    CREATED,
    ISSUED_HERE,
    REPLACED,
    UNCHANGED,
    upsert_external_credential,
)
from tests.badges.did_key_credentials import credential_from_another_issuer

pytestmark = pytest.mark.django_db

SECOND = "urn:uuid:8a6b8f0e-33a4-4d3c-8c1b-0f1b5d4f6a77"


def send(trainee, credential, actor=None):
    return upsert_external_credential(
        actor=actor or trainee,
        trainee=trainee,
        text=json.dumps(credential),
        source="Pocket Wallet (OAuth client abc)",
    )


def test_sending_the_same_credential_again_changes_nothing_and_a_new_version_replaces_it(
    trainee,
):
    credential = credential_from_another_issuer(trainee.email)

    first = send(trainee, credential)
    again = send(trainee, credential)
    newer = send(trainee, credential_from_another_issuer(trainee.email))

    assert (first.outcome, again.outcome, newer.outcome) == (CREATED, UNCHANGED, REPLACED)
    assert ExternalBadge.objects.filter(trainee=trainee).count() == 1
    assert AuditEntry.objects.filter(action="external_credential").count() == 2


def test_a_credential_to_someone_else_is_refused_for_its_recipient(trainee):
    with pytest.raises(ValidationError) as refused:
        send(trainee, credential_from_another_issuer("someone@else.example"))

    assert refused.value.message_dict == {
        "credential": ["Recipient: It was not issued to any of your verified email addresses."]
    }
    assert not ExternalBadge.objects.exists()


def test_a_credential_to_another_verified_address_of_the_trainees_is_kept(trainee):
    EmailAddress.objects.create(user=trainee, email="t@elsewhere.example", verified=True)
    EmailAddress.objects.create(user=trainee, email="unconfirmed@else.example", verified=False)

    badge = send(trainee, credential_from_another_issuer("t@elsewhere.example")).badge
    with pytest.raises(ValidationError):
        send(
            trainee,
            credential_from_another_issuer("unconfirmed@else.example", credential_id=SECOND),
        )

    assert badge.verified is True
    assert badge.verification[-1]["detail"] == "It was issued to t@elsewhere.example, one of yours."


def test_a_tampered_credential_is_refused_for_its_proof(trainee):
    tampered = credential_from_another_issuer(trainee.email)
    tampered["credentialSubject"]["achievement"]["name"] = "Head of simulation"

    with pytest.raises(ValidationError) as refused:
        send(trainee, tampered)

    assert refused.value.message_dict["credential"][0].startswith("Proof: ")
    assert not ExternalBadge.objects.exists()


def test_only_the_trainee_adds_to_their_own_badges(trainee, other_trainee):
    with pytest.raises(PermissionDenied):
        send(trainee, credential_from_another_issuer(trainee.email), actor=other_trainee)
    assert not ExternalBadge.objects.exists()


@pytest.mark.parametrize(
    "text", ["not a credential", "{broken", json.dumps({"type": ["VerifiableCredential"]})]
)
def test_what_is_not_an_open_badges_credential_is_refused_in_words(trainee, text):
    with pytest.raises(ValidationError) as refused:
        upsert_external_credential(actor=trainee, trainee=trainee, text=text, source="App")

    assert refused.value.message_dict["credential"][0]
    assert not ExternalBadge.objects.exists()


def test_the_badges_page_shows_the_credential_as_verified_and_who_sent_it(client, trainee):
    send(trainee, credential_from_another_issuer(trainee.email))
    client.force_login(trainee)

    page = client.get("/badges/").content.decode()

    assert page.count("Simulation faculty") == 1
    assert "Verified</span> on" in page
    assert "sent by Pocket Wallet" in page


def test_the_trainees_own_award_sent_back_is_not_kept_twice(org_a, enrolled_trainee):
    demo.create_badge_classes(org_a)
    award = awarding.award_badge(
        badge_class=BadgeClass.objects.order_by("pk").first(), recipient=enrolled_trainee
    )

    sent = send(enrolled_trainee, credential_for(award).document)

    assert sent.outcome == ISSUED_HERE
    assert not ExternalBadge.objects.exists()
