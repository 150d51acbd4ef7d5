"""An endorsement as an Open Badges 3.0 EndorsementCredential (OB 3.0 §B.1.8): a W3C
Verifiable Credential whose subject, an EndorsementSubject, is the endorsed Achievement or
Profile, by its id, with the endorser's words as its endorsementComment. Signed once, when
the endorsement is made, with the endorser's key, exactly as an award's credential is
(badges.ob3.issuing and proofs): an embedded eddsa-rdfc-2022 proof, and a VC-JWT. Its
place in the endorser's status list says whether it was withdrawn."""

from datetime import datetime

from django.utils import timezone

from badges.models import BadgeClass, Issuer, IssuerKey
from badges.ob3 import credentials, issuing, keys, proofs, status_list, urls

SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_endorsementcredential_schema.json",
    # As for award credentials (badges.ob3.credentials.SCHEMA): the type the credentials v2
    # context defines.
    "type": "JsonSchema",
}


def subject_id(target: Issuer | BadgeClass) -> str:
    """The id the endorsed thing has in Open Badges 3.0: the Achievement's or the Profile's."""
    if isinstance(target, BadgeClass):
        return credentials.achievement_id(target)
    return urls.profile_url(target)


def credential_document(
    endorsement, *, target: Issuer | BadgeClass, issued: datetime, status_entry: dict
) -> dict:
    """The unsigned EndorsementCredential."""
    return {
        "@context": credentials.CONTEXT,
        "id": urls.endorsement_credential_url(endorsement),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"{endorsement.endorser.name} endorses {target.name}",
        "issuer": credentials.issuer_profile(endorsement.endorser),
        "validFrom": credentials.timestamp(issued),
        "credentialSubject": {
            "id": subject_id(target),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement.claim,
        },
        "credentialSchema": [SCHEMA],
        "credentialStatus": status_entry,
    }


def sign(endorsement, *, target: Issuer | BadgeClass) -> None:
    """Sign the endorsement's credential with the endorser's current key at a free place in
    its status list, setting the credential fields of the unsaved row. The caller saves it,
    and retries with a new place if another row took the bit meanwhile."""
    key: IssuerKey = issuing.current_key(endorsement.endorser)
    place, index = issuing.status_place(endorsement.endorser)
    unsigned = credential_document(
        endorsement,
        target=target,
        issued=endorsement.created_at,
        status_entry=status_list.entry(place, index),
    )
    private = keys.decrypt_private_key(key.encrypted_private_key)
    method = issuing.verification_method(key)
    endorsement.credential = proofs.add_proof(
        unsigned,
        key=private,
        verification_method=method,
        created=credentials.timestamp(timezone.now()),
    )
    endorsement.credential_jwt = proofs.sign_jwt(unsigned, key=private, verification_method=method)
    endorsement.key, endorsement.status_list, endorsement.status_index = key, place, index


def withdraw_in_status_list(endorsement) -> None:
    """Set the endorsement's bit, in the caller's transaction."""
    issuing.set_status_bit(list_id=endorsement.status_list_id, index=endorsement.status_index)
