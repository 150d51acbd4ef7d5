"""The verify page checks credentials of other issuers too: their keys and status lists are
fetched over HTTPS (stood in for here, as the third party across the network), and only
from public addresses."""

import json
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.models import StatusList
from badges.ob3 import contexts, keys, proofs, remote, status_list, verifying

pytestmark = pytest.mark.django_db

PROFILE = "https://badges.other.example/issuers/7"
LIST = "https://badges.other.example/status/1"


@pytest.fixture
def other_issuer(monkeypatch):
    """Another issuer's signing key, profile and status list, as its server would answer."""
    key = Ed25519PrivateKey.generate()
    multikey = keys.public_key_multibase(keys.raw_public(key.public_key()))
    method = f"{PROFILE}#{multikey}"
    published = {
        PROFILE: {
            "@context": [contexts.DID_V1, contexts.CREDENTIALS_V2, contexts.MULTIKEY_V1],
            "id": PROFILE,
            "verificationMethod": [
                {
                    "id": method,
                    "type": "Multikey",
                    "controller": PROFILE,
                    "publicKeyMultibase": multikey,
                }
            ],
            "assertionMethod": [method],
        }
    }
    fetched = []

    def fetch_json(url):
        fetched.append(url)
        if url not in published:
            raise remote.FetchRefused(f"{url} answered 404.")
        return published[url]

    monkeypatch.setattr(remote, "fetch_json", fetch_json)

    def publish_list(revoked_index=None):
        bits = bytes(StatusList.SIZE // 8)
        if revoked_index is not None:
            bits = status_list.with_bit_set(bits, revoked_index)
        unsigned = {
            "@context": [contexts.CREDENTIALS_V2],
            "id": LIST,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": PROFILE,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{LIST}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": status_list.encode(bits),
            },
        }
        published[LIST] = proofs.add_proof(
            unsigned, key=key, verification_method=method, created="2026-01-01T00:00:00Z"
        )

    def credential():
        unsigned = {
            "@context": [contexts.CREDENTIALS_V2, contexts.OPEN_BADGES_V3],
            "id": "urn:uuid:8f0c2c9e-7d5f-4c59-9e1a-3d6f1c3f0b11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": PROFILE, "type": ["Profile"], "name": "Other Deanery"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://badges.other.example/achievements/1",
                    "type": ["Achievement"],
                    "name": "Simulation faculty",
                    "criteria": {"narrative": "Ran three simulation sessions."},
                },
            },
            "credentialStatus": {
                "id": f"{LIST}#42",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "42",
                "statusListCredential": LIST,
            },
        }
        return proofs.add_proof(
            unsigned, key=key, verification_method=method, created="2026-01-01T00:00:00Z"
        )

    return SimpleNamespace(
        credential=credential, publish_list=publish_list, published=published, fetched=fetched
    )


def test_another_issuers_credential_verifies_with_its_published_key_and_list(other_issuer):
    other_issuer.publish_list()
    report = verifying.verify(json.dumps(other_issuer.credential()))
    assert report.verified, report.steps
    assert [step.name for step in report.steps] == ["Proof", "Issuer", "Status", "Validity"]
    assert other_issuer.fetched == [PROFILE, LIST, PROFILE]


def test_another_issuers_revocation_is_found(other_issuer):
    other_issuer.publish_list(revoked_index=42)
    report = verifying.verify(json.dumps(other_issuer.credential()))
    assert report.failed("Status") and not report.verified


def test_a_key_the_issuer_does_not_list_for_assertions_is_refused(other_issuer):
    other_issuer.publish_list()
    other_issuer.published[PROFILE]["assertionMethod"] = []
    report = verifying.verify(json.dumps(other_issuer.credential()))
    assert report.failed("Proof")
    assert "does not publish" in report.steps[0].detail


def test_a_credential_with_a_context_that_is_not_bundled_fails_its_proof_in_words(
    other_issuer,
):
    credential = other_issuer.credential()
    credential["@context"].append("https://contexts.example/evil.jsonld")
    report = verifying.verify(json.dumps(credential))
    assert report.failed("Proof") and "contexts are never fetched" in report.steps[0].detail


@pytest.mark.parametrize("pasted", ["{}", '{"proof": 3}', "[1, 2]", "a.b.c"])
def test_anything_pasted_gets_a_report_not_an_error(pasted):
    report = verifying.verify(pasted)
    assert not report.verified and report.steps


@pytest.mark.parametrize(
    "url",
    [
        "http://badges.other.example/issuers/7",
        "https://127.0.0.1/issuers/7",
        "https://localhost/issuers/7",
        "https://10.0.0.8/issuers/7",
        "https://badges.other.example:8443/issuers/7",
    ],
)
def test_only_public_https_addresses_are_fetched(url):
    with pytest.raises(remote.FetchRefused):
        remote.fetch_json(url)
