"""The issuer's trust (badges.trust) in its Open Badges 2.0 Issuer document, as an Open Badges
2.0 extension: a node typed `Extension` under a term of the `extensions:` namespace the
Open Badges context defines, with a JSON-LD context of its own that names the JSON Schema
validators check it against. Both documents are served by this site, at addresses that do
not change (badges.public_urls).

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/extensions/index.html
Open Badges 3.0 has no such mechanism without a new JSON-LD context, which would change what
signed credentials mean; its Profile carries the verified domain as an `otherIdentifier`
instead (badges.ob3.profiles).
"""

from django.urls import reverse

from badges import trust
from badges.models import Issuer, IssuerRecognition
from core.site import absolute_url

PROPERTY = "extensions:waymarkIssuerTrust"
TYPE = "extensions:WaymarkIssuerTrust"
# The stored method, in the extension's words.
METHODS = {"well_known": "wellKnownFile", "dns": "dnsTxtRecord"}


def context_url() -> str:
    return absolute_url(reverse("badges:ob_issuer_trust_context"))


def schema_url() -> str:
    return absolute_url(reverse("badges:ob_issuer_trust_schema"))


def extension(issuer: Issuer) -> dict:
    """Always present, so that an issuer that has not proven its domain says so plainly."""
    standing = trust.trust_of(issuer)
    node = {
        "@context": context_url(),
        "type": ["Extension", TYPE],
        "domain": standing.domain,
        "domainVerified": standing.verified,
    }
    if standing.verified:
        node["domainVerifiedSince"] = standing.verified_since.isoformat()
        node["domainVerifiedBy"] = METHODS[standing.method]
    if standing.recognised:
        node["recognisedAs"] = standing.recognised_kind
        node["recognisedSince"] = standing.recognised_since.isoformat()
        node["recognitionEvidence"] = standing.recognition_evidence
    return node


def context_document() -> dict:
    vocabulary = context_url() + "#"
    return {
        "@context": {
            "obi": "https://w3id.org/openbadges#",
            "extensions": "https://w3id.org/openbadges/extensions#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "waymark": vocabulary,
            "domain": {"@id": "waymark:domain"},
            "domainVerified": {"@id": "waymark:domainVerified", "@type": "xsd:boolean"},
            "domainVerifiedSince": {"@id": "waymark:domainVerifiedSince", "@type": "xsd:dateTime"},
            "domainVerifiedBy": {"@id": "waymark:domainVerifiedBy"},
            "recognisedAs": {"@id": "waymark:recognisedAs"},
            "recognisedSince": {"@id": "waymark:recognisedSince", "@type": "xsd:dateTime"},
            "recognitionEvidence": {"@id": "waymark:recognitionEvidence"},
        },
        "obi:validation": [{"obi:validatesType": TYPE, "obi:validationSchema": schema_url()}],
    }


def schema_document() -> dict:
    moment = {"type": "string", "format": "date-time"}
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "id": schema_url(),
        "title": "Waymark issuer trust",
        "description": (
            "Whether the issuer has proven to this Waymark that it controls the domain of its "
            "web address (a token published at https://<domain>/.well-known/waymark-issuer.txt "
            "or in a DNS TXT record on _waymark.<domain>, checked again every day), and "
            "whether Waymark's staff recognise it as a body of the kind named, on the evidence "
            "given."
        ),
        "type": "object",
        "properties": {
            "domain": {"type": "string", "description": "The host of the issuer's web address."},
            "domainVerified": {"type": "boolean"},
            "domainVerifiedSince": {
                **moment,
                "description": "Since when the domain has been proven without a break.",
            },
            "domainVerifiedBy": {"type": "string", "enum": sorted(METHODS.values())},
            "recognisedAs": {"type": "string", "enum": list(IssuerRecognition.Kind.values)},
            "recognisedSince": moment,
            "recognitionEvidence": {"type": "string"},
        },
        "required": ["domain", "domainVerified"],
    }
