"""The issuer's Open Badges 3.0 Profile document, at a stable HTTPS URL: the `issuer.id` of
every credential it signs and the controller document of its keys (W3C Controlled
Identifiers), so a verifier dereferences a proof's verificationMethod to a Multikey whose
controller is the issuer."""

from badges import trust
from badges.models import Endorsement, Issuer, IssuerKey
from badges.ob3 import credentials, urls
from badges.ob3.contexts import CREDENTIALS_V2, DID_V1, MULTIKEY_V1, OPEN_BADGES_V3

# The identifier type of a domain the issuer proved to this site that it controls.
VERIFIED_DOMAIN = "ext:WaymarkVerifiedDomain"


def verification_method(issuer: Issuer, key: IssuerKey) -> dict:
    method = {
        "id": urls.verification_method_id(issuer, key.public_key_multibase),
        "type": "Multikey",
        "controller": urls.profile_url(issuer),
        "publicKeyMultibase": key.public_key_multibase,
        "description": "Signs new credentials."
        if key.retired_at is None
        else f"Retired on {key.retired_at:%Y-%m-%d}: no longer used for new credentials; "
        "verifies the credentials it signed before then.",
    }
    return method


def profile_document(issuer: Issuer) -> dict:
    """Every key the issuer ever signed with stays listed, current first, and stays an
    assertion method, or the credentials it signed would stop verifying. Retired keys are
    described as such: Multikey's own `revoked` and `expires` would fail those credentials,
    which a routine rotation must not."""
    signing_keys = sorted(
        IssuerKey.objects.filter(issuer=issuer).order_by("-pk"),
        key=lambda key: key.retired_at is not None,
    )
    document = {
        # DID v1 first: it defines assertionMethod, and verifiers read a controller document
        # that starts with it as it is, without JSON-LD framing.
        "@context": [DID_V1, CREDENTIALS_V2, OPEN_BADGES_V3, MULTIKEY_V1],
        **credentials.issuer_profile(issuer),
    }
    if issuer.description:
        document["description"] = issuer.description
    standing = trust.trust_of(issuer)
    if standing.verified:
        # Open Badges 3.0 lets an identifier type be extended with an `ext:` name; any other
        # new property would need a context of its own (badges.openbadges_trust says why).
        document["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": standing.domain,
                "identifierType": VERIFIED_DOMAIN,
            }
        ]
    # Other issuers' standing endorsements of this one, each as its endorser signed it.
    endorsed = Endorsement.objects.live().filter(issuer=issuer).order_by("pk")
    if endorsements := [endorsement.credential for endorsement in endorsed]:
        document["endorsement"] = endorsements
    document["verificationMethod"] = [verification_method(issuer, key) for key in signing_keys]
    document["assertionMethod"] = [method["id"] for method in document["verificationMethod"]]
    return document
