"""The two ways an Open Badges 3.0 credential carries its proof.

- An embedded DataIntegrityProof, cryptosuite eddsa-rdfc-2022 (W3C "Data Integrity EdDSA
  Cryptosuites v1.0", section 3.2): canonicalise the proof options and the credential with
  RDFC-1.0, hash each with SHA-256, and sign proofHash || documentHash with Ed25519.
- VC-JWT: the credential without a proof as the payload of a compact JWS (OB 3.0 §8.2).

Canonicalisation is pyld's, Ed25519 is cryptography's and JWS is joserfc's; this module
only puts them together as the specifications say.
"""

import hashlib
import json
import warnings
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey
from pyld.jsonld import JsonLdError

from badges.ob3 import keys
from badges.ob3.contexts import canonical_nquads

CRYPTOSUITE = "eddsa-rdfc-2022"
# RFC 9864 deprecates "EdDSA" for "Ed25519", but wallets and the 1EdTech validator read
# "EdDSA"; both mean Ed25519 here, since Waymark's keys are Ed25519 only.
JWT_ALGORITHM = "EdDSA"


@dataclass(frozen=True)
class Hashes:
    proof: bytes
    document: bytes

    @property
    def signed_data(self) -> bytes:
        return self.proof + self.document


def _without_proof(credential: dict) -> dict:
    return {key: value for key, value in credential.items() if key != "proof"}


def hashes(credential: dict, proof: dict) -> Hashes:
    """The two hashes a proof signs. The proof options are canonicalised with the
    credential's @context, without proofValue (transformation and proof configuration)."""
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    options["@context"] = credential["@context"]
    return Hashes(
        proof=hashlib.sha256(canonical_nquads(options).encode()).digest(),
        document=hashlib.sha256(canonical_nquads(_without_proof(credential)).encode()).digest(),
    )


def add_proof(
    credential: dict, *, key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict:
    """The credential with an embedded eddsa-rdfc-2022 DataIntegrityProof."""
    proof = {
        "type": "DataIntegrityProof",
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(hashes(credential, proof).signed_data)
    return {
        **_without_proof(credential),
        "proof": {**proof, "proofValue": keys.multibase(signature)},
    }


class ProofError(ValueError):
    """Why a proof does not verify, in words."""


def verify_proof(credential: dict, public_key: Ed25519PublicKey) -> None:
    """Raise ProofError unless the credential's eddsa-rdfc-2022 proof verifies with the key."""
    proof = credential.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The credential has no embedded proof.")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("The proof is not an eddsa-rdfc-2022 DataIntegrityProof.")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof was not made for asserting a credential.")
    try:
        signature = keys.from_multibase(proof.get("proofValue", ""))
        data = hashes(credential, proof).signed_data
    except ValueError as error:
        raise ProofError(f"The proof cannot be read: {error}") from error
    except (JsonLdError, KeyError, TypeError) as error:
        raise ProofError(
            "The credential is not JSON-LD that can be canonicalised with the contexts this "
            "verifier holds; contexts are never fetched."
        ) from error
    try:
        public_key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError(
            "The signature does not match: the credential was changed after it was signed, "
            "or it was signed with another key."
        ) from error


def _jose_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> OKPKey:
    if isinstance(key, Ed25519PrivateKey):
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        pem = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return OKPKey.import_key(pem)


def jwt_claims(credential: dict) -> dict:
    """The JWT payload: the credential itself (no proof) and the registered claims OB 3.0
    §8.2.4 derives from it."""
    claims = _without_proof(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["nbf"] = _epoch(credential["validFrom"])
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    if "id" in credential["credentialSubject"]:
        claims["sub"] = credential["credentialSubject"]["id"]
    return claims


def _epoch(moment: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp())


def sign_jwt(credential: dict, *, key: Ed25519PrivateKey, verification_method: str) -> str:
    header = {"alg": JWT_ALGORITHM, "typ": "JWT", "kid": verification_method}
    payload = json.dumps(jwt_claims(credential), separators=(",", ":"), sort_keys=True).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jws.serialize_compact(header, payload, _jose_key(key), algorithms=[JWT_ALGORITHM])


def jwt_header(token: str) -> dict:
    try:
        return jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError) as error:
        raise ProofError(f"This is not a compact JWS: {error}") from error


def verify_jwt(token: str, public_key: Ed25519PublicKey) -> dict:
    """The credential inside a VC-JWT whose signature verifies, or ProofError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            verified = jws.deserialize_compact(
                token.strip(), _jose_key(public_key), algorithms=[JWT_ALGORITHM]
            )
    except (JoseError, ValueError) as error:
        raise ProofError(
            "The JWT signature does not match: it was changed after it was signed, or signed "
            "with another key."
        ) from error
    try:
        return json.loads(verified.payload)
    except ValueError as error:
        raise ProofError("The JWT payload is not a JSON credential.") from error
