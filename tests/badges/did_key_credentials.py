"""Open Badges 3.0 credentials from another issuer, signed with a did:key so that they
verify without any network: what a wallet or another issuer sends to Waymark."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from badges.ob3 import contexts, keys, proofs
from badges.openbadges import hashed_identity

FIRST = "urn:uuid:2d1c7c52-1f0a-4a6e-9c57-5a3a6f0f8e21"


def credential_from_another_issuer(email: str, **kwargs) -> dict:
    """A credential to `email`, signed with a did:key, so that it verifies without any
    network."""
    unsigned, key, method = unsigned_from_another_issuer(email, **kwargs)
    return proofs.add_proof(
        unsigned, key=key, verification_method=method, created="2026-03-01T00:00:00Z"
    )


def jwt_from_another_issuer(email: str) -> str:
    unsigned, key, method = unsigned_from_another_issuer(email)
    return proofs.sign_jwt(unsigned, key=key, verification_method=method)


def unsigned_from_another_issuer(email: str, *, credential_id: str = FIRST):
    key = Ed25519PrivateKey.generate()
    multikey = keys.public_key_multibase(keys.raw_public(key.public_key()))
    did = f"did:key:{multikey}"
    unsigned = {
        "@context": [contexts.CREDENTIALS_V2, contexts.OPEN_BADGES_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Royal College of Simulation"},
        "validFrom": "2026-03-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                    "identityHash": hashed_identity(email, "pepper"),
                }
            ],
            "achievement": {
                "id": "https://college.example/achievements/sim-faculty",
                "type": ["Achievement"],
                "name": "Simulation faculty",
                "criteria": {"narrative": "Ran three simulation sessions."},
            },
        },
    }
    return unsigned, key, f"{did}#{multikey}"
