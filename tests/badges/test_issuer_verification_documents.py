"""The issuer's standing in its Open Badges documents: an extension of the 2.0 Issuer that
the official validator checks against its own schema, and the verified domain as an
`otherIdentifier` of the 3.0 Profile, which keeps every term its bundled contexts define.
Credentials already signed do not change."""

import pytest
from pyld import jsonld

from badges.models import BadgeClass, Issuer
from badges.ob3 import contexts
from badges.services import awarding, recognition
from tests.badges.issuer_site import EVIDENCE, NOW, verify_domain
from tests.badges.ob3_independent import published_documents, verify_independently
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TRUST = "extensions:waymarkIssuerTrust"


@pytest.fixture
def issuer(badge_classes):
    return Issuer.objects.get()


@pytest.fixture
def award(issuer, enrolled_trainee, org_admin):
    return awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )


def recognise(issuer):
    staff = UserFactory(is_staff=True, is_superuser=True)
    recognition.recognise_issuer(
        issuer=issuer, actor=staff, kind="royal_college", evidence=EVIDENCE, now=NOW
    )


# --- Open Badges 2.0 -------------------------------------------------------------------------


def test_the_issuer_document_says_plainly_that_its_domain_is_not_verified(client, issuer, settings):
    document = client.get(f"/ob/v2/issuers/{issuer.pk}").json()
    assert document[TRUST] == {
        "@context": f"{settings.SITE_URL}/ob/v2/extensions/issuer-trust/context.json",
        "type": ["Extension", "extensions:WaymarkIssuerTrust"],
        "domain": "st-elsewhere.example",
        "domainVerified": False,
    }


def test_the_issuer_document_carries_the_verified_domain_and_the_mark(client, issuer):
    verify_domain(issuer)
    recognise(issuer)
    extension = client.get(f"/ob/v2/issuers/{issuer.pk}").json()[TRUST]
    assert extension["domainVerified"] is True
    assert extension["domainVerifiedSince"] == "2026-03-02T09:15:00+00:00"
    assert extension["domainVerifiedBy"] == "wellKnownFile"
    assert extension["recognisedAs"] == "royal_college"
    assert extension["recognitionEvidence"] == EVIDENCE


def test_the_extension_publishes_its_context_and_schema(client, settings):
    context = client.get("/ob/v2/extensions/issuer-trust/context.json")
    assert context["Access-Control-Allow-Origin"] == "*"
    validation = context.json()["obi:validation"]
    assert validation == [
        {
            "obi:validatesType": "extensions:WaymarkIssuerTrust",
            "obi:validationSchema": (
                f"{settings.SITE_URL}/ob/v2/extensions/issuer-trust/schema.json"
            ),
        }
    ]
    schema = client.get("/ob/v2/extensions/issuer-trust/schema.json").json()
    assert schema["required"] == ["domain", "domainVerified"]


def test_a_verified_recognised_issuers_badge_passes_the_official_validator(
    live_server, settings, issuer, award, enrolled_trainee
):
    from tests.badges import ob_validator as validator  # skips without the validator

    settings.SITE_URL = live_server.url
    verify_domain(issuer)
    recognise(issuer)
    report = validator.validate(
        f"{live_server.url}/ob/v2/assertions/{award.uid}", email=enrolled_trainee.email
    )
    assert report["valid"], validator.errors(report)


# --- Open Badges 3.0 -------------------------------------------------------------------------


def profile_of(client, issuer):
    return client.get(f"/ob/v3/issuers/{issuer.pk}").json()


def test_an_unverified_issuers_profile_names_no_verified_domain(client, issuer):
    assert "otherIdentifier" not in profile_of(client, issuer)


def test_a_verified_issuers_profile_names_its_domain_as_an_identifier(client, issuer):
    verify_domain(issuer)
    assert profile_of(client, issuer)["otherIdentifier"] == [
        {
            "type": "IdentifierEntry",
            "identifier": "st-elsewhere.example",
            "identifierType": "ext:WaymarkVerifiedDomain",
        }
    ]


def test_every_term_of_the_profile_is_defined_by_its_bundled_contexts(client, issuer):
    """Expanding drops any term no context defines, and compacting back gives the same
    document only if none was dropped."""
    verify_domain(issuer)
    profile = profile_of(client, issuer)
    options = {"documentLoader": contexts.document_loader}
    compacted = jsonld.compact(
        jsonld.expand(profile, options), {"@context": profile["@context"]}, options
    )
    assert compacted["otherIdentifier"] == profile["otherIdentifier"]
    assert set(compacted) == set(profile)


def test_the_profile_still_costs_three_queries(client, issuer, award, django_assert_num_queries):
    verify_domain(issuer)
    recognise(issuer)
    client.get(f"/ob/v3/credentials/{award.uid}")  # signs the credential, making the key
    # The issuer with its trust records, the endorsements it holds, its keys.
    with django_assert_num_queries(3):
        client.get(f"/ob/v3/issuers/{issuer.pk}")


def test_credentials_stay_as_signed_and_verify_independently(client, issuer, award):
    before = client.get(f"/ob/v3/credentials/{award.uid}").json()
    verify_domain(issuer)
    recognise(issuer)
    after = client.get(f"/ob/v3/credentials/{award.uid}").json()
    assert after == before
    documents = published_documents(
        client, [after["issuer"]["id"], after["credentialStatus"]["statusListCredential"]]
    )
    assert verify_independently(after, documents)["verified"] is True
