"""Verifying an Open Badges 3.0 credential, step by step, in words: for the "verify a
credential" page and the badge's own verification page.

Keys and status lists that this Waymark publishes are looked up directly, did:key keys are
read from the identifier itself, and other issuers' profiles and status lists are fetched
over HTTPS (badges.ob3.remote). Contexts are never fetched: a credential whose contexts are
not bundled fails its proof.
"""

import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils import timezone

from badges import trust
from badges.models import Issuer, IssuerKey, StatusList
from badges.ob3 import baking, keys, proofs, remote, status_list
from badges.ob3.contexts import UnknownContext
from badges.openbadges import hashed_identity

PASSED, FAILED, UNCHECKED = "passed", "failed", "not checked"


@dataclass
class Step:
    name: str
    outcome: str
    detail: str


@dataclass
class Report:
    form: str = ""
    credential: dict = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def add(self, name: str, outcome: str, detail: str) -> None:
        self.steps.append(Step(name, outcome, detail))

    @property
    def verified(self) -> bool:
        return bool(self.steps) and all(step.outcome != FAILED for step in self.steps)

    def failed(self, name: str) -> bool:
        return any(step.name == name and step.outcome == FAILED for step in self.steps)


def _local(url: str):
    """The view match of one of this site's own URLs, or None."""
    if not url.startswith(settings.SITE_URL + "/"):
        return None
    try:
        return resolve(urlsplit(url).path)
    except Resolver404:
        return None


def resolve_key(method_id: str) -> tuple[Ed25519PublicKey, str]:
    """A verification method's public key and its controller, or ValueError."""
    if method_id.startswith("did:key:"):
        multibase = method_id.split("#")[0].removeprefix("did:key:")
        return keys.public_key_from_multibase(multibase), method_id.split("#")[0]
    controller, _, fragment = method_id.partition("#")
    match = _local(controller)
    if match is None or match.url_name != "ob3_issuer":
        return _remote_key(method_id, controller), controller
    key = IssuerKey.objects.filter(
        issuer_id=match.kwargs["issuer_id"], public_key_multibase=fragment
    ).first()
    if key is None:
        raise ValueError(f"No key {fragment} is published in {controller}.")
    return keys.public_key_from_multibase(key.public_key_multibase), controller


def _remote_key(method_id: str, controller: str) -> Ed25519PublicKey:
    """A Multikey from another issuer's controller document, if that document lists it as
    one of its own assertion methods."""
    document = remote.fetch_json(controller)
    if document.get("id") != controller:
        raise ValueError(f"The document at {controller} is not that issuer's own.")
    method = next(
        (
            m
            for m in document.get("verificationMethod") or []
            if isinstance(m, dict) and m.get("id") == method_id
        ),
        None,
    )
    asserted = [
        m if isinstance(m, str) else m.get("id") for m in document.get("assertionMethod") or []
    ]
    if method is None or method.get("controller") != controller or method_id not in asserted:
        raise ValueError(f"{controller} does not publish {method_id} for signing credentials.")
    if method.get("type") != "Multikey":
        raise ValueError(f"The key {method_id} is not a Multikey, which this page reads.")
    return keys.public_key_from_multibase(method.get("publicKeyMultibase", ""))


# A credential is a few kilobytes; anything far larger is not one.
MAX_BYTES = 2 * 1024 * 1024


def credential_text(*, text: str = "", image=None) -> str:
    """What a person or a system gave to verify, as text: the credential baked into an image
    if one was uploaded, else the text itself. Raises ValidationError by field (`image` or
    `credential`): the "verify a credential" page and the API ask alike."""
    if image is not None:
        if image.size is not None and image.size > MAX_BYTES:
            raise ValidationError({"image": "That file is too large to be a badge image."})
        try:
            return baking.unbake(image.read(MAX_BYTES + 1))
        except baking.NotBaked as error:
            raise ValidationError({"image": str(error)}) from None
    if text.strip():
        return text.strip()
    raise ValidationError(
        {"credential": "Give a credential, as JSON or a JWT, or a baked badge image."}
    )


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON, though Python's parser reads them.
    raise ValueError(f"{name} is not a JSON value.")


def parse(text: str) -> tuple[str, dict | str]:
    text = text.strip()
    if text.startswith("{"):
        try:
            return "JSON-LD with an embedded proof", json.loads(
                text, parse_constant=_refuse_constant
            )
        except RecursionError:
            raise ValueError("This is not a credential: it is nested too deeply.") from None
        except ValueError as error:
            raise ValueError(f"This is not valid JSON: {error}") from error
    if text.count(".") == 2:
        return "VC-JWT", text
    raise ValueError("Paste a credential as JSON, or as a JWT (three parts separated by dots).")


def verify(
    text: str, *, email: str = "", emails: tuple[str, ...] = (), now: datetime | None = None
) -> Report:
    """Every check in turn. Whatever is pasted, the answer is a report, never an error. The
    recipient is checked against `email`, or against any of `emails` (a trainee's verified
    addresses)."""
    report = Report()
    try:
        return _verify(
            report, text, emails=(email,) if email else tuple(emails), now=now, yours=not email
        )
    except (KeyError, TypeError, AttributeError, ValueError):
        report.add("Reading", FAILED, "This is not an Open Badges 3.0 credential.")
        return report


def _verify(
    report: Report, text: str, *, emails: tuple, now: datetime | None, yours: bool
) -> Report:
    try:
        report.form, parsed = parse(text)
    except ValueError as error:
        report.add("Reading", FAILED, str(error))
        return report
    try:
        if isinstance(parsed, dict):
            report.credential = parsed
            method_id = (parsed.get("proof") or {}).get("verificationMethod", "")
            public_key, controller = resolve_key(method_id)
            proofs.verify_proof(parsed, public_key)
        else:
            method_id = proofs.jwt_header(parsed).get("kid", "")
            public_key, controller = resolve_key(method_id)
            report.credential = proofs.verify_jwt(parsed, public_key)
    except (ValueError, UnknownContext) as error:
        report.add("Proof", FAILED, str(error))
        return report
    report.add("Proof", PASSED, f"The signature verifies with the key {method_id}.")
    _check_issuer(report, controller)
    _check_status(report)
    _check_window(report, now or timezone.now())
    if emails:
        _check_recipient(report, emails, yours=yours)
    return report


def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def _check_issuer(report: Report, controller: str) -> None:
    issuer = _issuer_id(report.credential)
    if issuer != controller:
        report.add("Issuer", FAILED, f"The key belongs to {controller}, not to {issuer}.")
        return
    named = report.credential.get("issuer")
    name = named.get("name", issuer) if isinstance(named, dict) else issuer
    report.add(
        "Issuer", PASSED, f"Issued by {name} ({issuer}), whose key signed it. {_trust(issuer)}"
    )


def _trust(profile_url: str, *, url_name: str = "ob3_issuer") -> str:
    """What this site knows of the issuer's domain and standing: only of its own issuers.
    Another site's claims about its issuers are theirs, not checked here."""
    match = _local(profile_url)
    local = (
        Issuer.objects.select_related(*trust.RELATED).filter(pk=match.kwargs["issuer_id"]).first()
        if match and match.url_name == url_name
        else None
    )
    if local is None:
        return "Its domain is not one this site has verified: it is another site's issuer."
    return trust.trust_of(local).in_words()


def _check_status(report: Report) -> None:
    entry = report.credential.get("credentialStatus")
    if not entry:
        report.add("Status", UNCHECKED, "The credential has no status entry to check.")
        return
    match = _local(entry.get("statusListCredential", ""))
    place = (
        StatusList.objects.filter(pk=match.kwargs["list_id"]).first()
        if match and match.url_name == "ob3_status_list"
        else None
    )
    index = int(entry.get("statusListIndex", -1))
    if place is None:
        _check_remote_status(report, entry["statusListCredential"], index)
        return
    if status_list.bit(bytes(place.bits), index):
        report.add("Status", FAILED, "The issuer has revoked this credential.")
    else:
        report.add("Status", PASSED, "The issuer has not revoked it.")


def _check_remote_status(report: Report, url: str, index: int) -> None:
    """Another issuer's status list: fetched, its own proof verified, issued by the same
    issuer, then the bit read."""
    try:
        listed = remote.fetch_json(url)
    except (remote.FetchRefused, OSError) as error:
        # The list could not be read, which says nothing of whether it lists this one.
        report.add("Status", UNCHECKED, f"The status list could not be fetched: {error}")
        return
    try:
        method_id = (listed.get("proof") or {}).get("verificationMethod", "")
        public_key, controller = resolve_key(method_id)
        proofs.verify_proof(listed, public_key)
        if controller != _issuer_id(report.credential) or _issuer_id(listed) != controller:
            raise ValueError("The status list is not signed by the credential's issuer.")
        bits = status_list.decode(listed["credentialSubject"]["encodedList"])
        revoked = status_list.bit(bits, index)
    except (ValueError, KeyError, IndexError, OSError, UnknownContext) as error:
        report.add("Status", FAILED, f"The status list could not be checked: {error}")
        return
    if revoked:
        report.add("Status", FAILED, "The issuer has revoked this credential.")
    else:
        report.add("Status", PASSED, "The issuer has not revoked it.")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _check_window(report: Report, now: datetime) -> None:
    valid_from, valid_until = (
        report.credential.get("validFrom"),
        report.credential.get("validUntil"),
    )
    if valid_from and _moment(valid_from) > now:
        report.add("Validity", FAILED, f"It is not valid before {valid_from}.")
    elif valid_until and _moment(valid_until) <= now:
        report.add("Validity", FAILED, f"It expired at {valid_until}.")
    else:
        until = f" until {valid_until}" if valid_until else ", with no expiry"
        report.add("Validity", PASSED, f"Valid from {valid_from}{until}.")


def _check_recipient(report: Report, emails: tuple, *, yours: bool) -> None:
    subject = report.credential.get("credentialSubject") or {}
    for identity in subject.get("identifier") or []:
        if identity.get("identityType") != "emailAddress":
            continue
        expected = identity.get("identityHash", "")
        for email in emails:
            typed = (
                hashed_identity(email, identity.get("salt", ""))
                if identity.get("hashed")
                else email.strip().lower()
            )
            if hmac.compare_digest(typed, str(expected).strip().lower()):
                whom = f"{email}, one of yours" if yours else "that email address"
                report.add("Recipient", PASSED, f"It was issued to {whom}.")
                return
    whom = "any of your verified email addresses" if yours else "that email address"
    report.add("Recipient", FAILED, f"It was not issued to {whom}.")
