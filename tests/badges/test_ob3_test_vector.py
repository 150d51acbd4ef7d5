"""1EdTech's published Open Badges 3.0 eddsa-rdfc-2022 test vector (Implementation Guide,
"Linked Data Proof Test Vector for Open Badges 3.0"), reproduced with the bundled contexts."""

import json
from pathlib import Path

import pytest
from pyld import jsonld
from pyld.jsonld import JsonLdError

from badges.ob3 import contexts, keys, proofs

# A copy of the vector as 1EdTech publishes it, kept beside this test (see its README).
VECTOR = Path(__file__).resolve().parent / "data" / "ob3-1edtech-test-vector"
# The guide's full values; the README beside the vector shortens them.
DOCUMENT_HASH = "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
PROOF_HASH = "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
PUBLIC_KEY_HEX = "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
PUBLIC_KEY_MULTIBASE = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


@pytest.fixture
def credential():
    path = VECTOR / "credential.json"
    if not path.exists():
        pytest.fail(f"The 1EdTech test vector is missing from {VECTOR}")
    return json.loads(path.read_text())


def test_document_and_proof_hashes_reproduce_exactly(credential):
    hashes = proofs.hashes(credential, credential["proof"])
    assert hashes.document.hex() == DOCUMENT_HASH
    assert hashes.proof.hex() == PROOF_HASH


def test_the_published_multikey_encodes_the_published_public_key():
    assert keys.public_key_multibase(bytes.fromhex(PUBLIC_KEY_HEX)) == PUBLIC_KEY_MULTIBASE
    public = keys.public_key_from_multibase(PUBLIC_KEY_MULTIBASE)
    assert keys.raw_public(public).hex() == PUBLIC_KEY_HEX


def test_the_published_proof_value_verifies_over_our_hashes(credential):
    proofs.verify_proof(credential, keys.public_key_from_multibase(PUBLIC_KEY_MULTIBASE))


def test_a_changed_vector_no_longer_verifies(credential):
    credential["credentialSubject"]["achievement"]["name"] = "Teamwork (edited)"
    with pytest.raises(proofs.ProofError, match="does not match"):
        proofs.verify_proof(credential, keys.public_key_from_multibase(PUBLIC_KEY_MULTIBASE))


def test_contexts_come_only_from_the_bundle(credential):
    credential["@context"].append("https://example.org/unknown-context.jsonld")
    with pytest.raises(JsonLdError) as refused:
        contexts.canonical_nquads(credential)
    # pyld wraps the loader's refusal; it is at the root of the chain of causes.
    cause = refused.value
    while cause is not None and not isinstance(cause, contexts.UnknownContext):
        cause = cause.__cause__ or cause.__context__
    assert cause is not None and "unknown-context.jsonld" in str(cause)


def test_bundled_contexts_are_resolved_once_and_kept_between_operations(credential, monkeypatch):
    """The loader tags bundled contexts "static", which pyld keeps between operations: after
    one canonicalisation, the next loads no context at all, and hashes the same."""
    # pyld's shared cache of resolved contexts, emptied so that the first call starts cold
    # whatever ran before in this process.
    jsonld._resolved_context_cache.clear()
    loaded = []
    bundled = contexts.document_loader

    def counting_loader(url, options=None):
        loaded.append(url)
        return bundled(url, options)

    monkeypatch.setattr(contexts, "document_loader", counting_loader)
    proofs.hashes(credential, credential["proof"])
    assert contexts.OPEN_BADGES_V3 in loaded
    loaded.clear()
    again = proofs.hashes(credential, credential["proof"])
    assert loaded == []
    assert again.document.hex() == DOCUMENT_HASH and again.proof.hex() == PROOF_HASH
