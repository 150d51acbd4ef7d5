"""Verifying an Open Badges 2.0 badge issued elsewhere by hosted verification, step by step,
in words (the same Report and Step as badges.ob3.verifying).

A hosted assertion is verified where its issuer serves it: the assertion is fetched at its
own `id`, then its BadgeClass and the issuer's profile. The assertion must lie within the
issuer's verification scope (by default, on the host of the issuer profile's `id`, as the
specification's VerificationObject says), must not be revoked (410 Gone, or `revoked`),
must be within its dates, and must name one of the trainee's email addresses. Where a baked
image carried the assertion itself rather than its address, the image's copy must say what
the issuer's copy says: an image is easy to edit, the issuer's server is not.

Spec: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#HostedBadge
"""

import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeXml
from django.conf import settings
from django.utils import timezone

from badges.ob3 import baking, remote
from badges.ob3.verifying import FAILED, PASSED, Report, _local, _trust
from badges.openbadges import hashed_identity

PNG_KEYWORD = "openbadges"
SVG_NAMESPACE = "http://openbadges.org"
# The fields a baked copy must share with the hosted one to be the same assertion.
SAME = ("id", "recipient", "badge", "issuedOn", "expires", "verification")


class NotOpenBadge(ValueError):
    """What arrived holds no Open Badges 2.0 assertion, said in words."""


class IssuedHere(ValueError):
    """The assertion is one this site hosts: it is an award here, not a badge from elsewhere."""

    def __init__(self, uid):
        self.uid = uid
        super().__init__(f"Award {uid} was issued here.")


@dataclass
class Hosted:
    """A hosted assertion's report, with the documents it was checked against."""

    report: Report
    url: str = ""
    assertion: dict = field(default_factory=dict)
    badge_class: dict = field(default_factory=dict)
    issuer: dict = field(default_factory=dict)


def baked_assertion(content: bytes) -> str | None:
    """The Open Badges 2.0 text baked into a PNG (an `openbadges` text chunk) or an SVG (an
    `<openbadges:assertion>` element, its `verify` attribute or its JSON body): an assertion
    URL or an assertion as JSON. None when the image carries none."""
    if content.startswith(baking.PNG_SIGNATURE):
        try:
            text = baking.png_text(content, PNG_KEYWORD)
        except baking.NotBaked as error:
            raise NotOpenBadge(str(error)) from error
        return text.strip() if text else None
    try:
        root = SafeXml.fromstring(content)
    except Exception as error:
        raise NotOpenBadge("This file is neither a PNG nor an SVG image.") from error
    element = root.find(f"{{{SVG_NAMESPACE}}}assertion")
    if element is None:
        return None
    return (element.get("verify") or element.text or "").strip() or None


def read(text: str) -> tuple[str, dict | None]:
    """An assertion's URL, and the assertion itself where the text is one (JSON)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            carried = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise NotOpenBadge("The badge's assertion is not valid JSON.") from error
        if not isinstance(carried, dict):
            raise NotOpenBadge("The badge's assertion is not a JSON object.")
        return _assertion_url(carried), carried
    if text.startswith(("https://", "http://")):
        return text, None
    raise NotOpenBadge("This is neither an assertion's address nor an assertion.")


def _assertion_url(assertion: dict) -> str:
    """Where a hosted assertion lives: its `id` (2.0), or its `verify.url` (1.x)."""
    url = assertion.get("id")
    verify = assertion.get("verify")
    if not (isinstance(url, str) and url.startswith(("https://", "http://"))) and isinstance(
        verify, dict
    ):
        url = verify.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise NotOpenBadge("The assertion does not say where its issuer hosts it.")
    return url


def issued_here(url: str):
    """The uid of this site's award whose assertion the URL is, or None."""
    match = _local(url)
    return (
        match.kwargs["uid"] if match is not None and match.url_name == "award_assertion" else None
    )


def moment(value) -> datetime | None:
    """An Open Badges date: ISO 8601 (2.0) or seconds since 1970 (1.x); naive means UTC."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value), tz=UTC)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date.")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verify(text: str, *, emails: tuple[str, ...], now: datetime | None = None) -> Hosted:
    """Every check in turn, for an assertion URL or an assertion as JSON. Raises
    NotOpenBadge when the text is neither, and IssuedHere for this site's own awards;
    otherwise a report, whatever the issuer's server answers."""
    url, carried = read(text)
    if uid := issued_here(url):
        raise IssuedHere(uid)
    result = Hosted(Report(form="Open Badges 2.0 hosted assertion"), url=url)
    with remote.allowing_local(settings.BACKPACK_ALLOW_HTTP):
        try:
            _verify(result, carried, emails=emails, now=now or timezone.now())
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            result.report.add("Reading", FAILED, f"The issuer's documents cannot be read: {error}")
    return result


def _fetch(result: Hosted, name: str, url) -> dict | None:
    if isinstance(url, dict):
        url = url.get("id")
    if not isinstance(url, str):
        result.report.add(name, FAILED, f"The {name.lower()} is not named by its address.")
        return None
    try:
        status, document = remote.fetch_document(url)
    except remote.FetchRefused as error:
        result.report.add(name, FAILED, f"It could not be fetched: {error}")
        return None
    if status != 200:
        result.report.add(name, FAILED, f"{url} answered {status}.")
        return None
    return document


def _verify(result: Hosted, carried: dict | None, *, emails: tuple, now: datetime) -> None:
    report = result.report
    try:
        status, hosted = remote.fetch_document(result.url)
    except remote.FetchRefused as error:
        report.add("Hosted assertion", FAILED, f"The issuer's copy could not be fetched: {error}")
        return
    result.assertion = hosted
    if status == 410 or hosted.get("revoked") is True:
        reason = hosted.get("revocationReason") or "no reason given"
        report.add("Status", FAILED, f"The issuer has revoked this badge ({reason}).")
        return
    if hosted.get("id", result.url) != result.url or "Assertion" not in _types(hosted):
        report.add("Hosted assertion", FAILED, f"{result.url} does not serve this assertion.")
        return
    report.add("Hosted assertion", PASSED, f"The issuer serves it at {result.url}.")
    if carried is not None and not _same(report, carried, hosted, result.url):
        return
    result.badge_class = _fetch(result, "Badge class", hosted.get("badge")) or {}
    if not result.badge_class:
        return
    result.issuer = _fetch(result, "Issuer", result.badge_class.get("issuer")) or {}
    if not result.issuer:
        return
    _check_issuer(result)
    report.add("Status", PASSED, "The issuer has not revoked it.")
    _check_dates(report, hosted, now)
    _check_recipient(report, hosted.get("recipient"), emails)


def _types(document: dict) -> list:
    kinds = document.get("type")
    return kinds if isinstance(kinds, list) else [kinds]


def _same(report: Report, carried: dict, hosted: dict, url: str) -> bool:
    """The image's copy says what the issuer's copy says, or the image was altered."""
    if carried.get("recipient") != hosted.get("recipient"):
        report.add(
            "Recipient",
            FAILED,
            f"The badge image names a different recipient from the issuer's own copy at "
            f"{url}: the image was altered after it was issued.",
        )
        return False
    differ = [name for name in SAME if name in carried and carried[name] != hosted.get(name)]
    if differ:
        report.add(
            "Hosted assertion",
            FAILED,
            f"The badge image's {', '.join(differ)} differ from the issuer's own copy at {url}.",
        )
        return False
    return True


def _check_issuer(result: Hosted) -> None:
    """The issuer's profile is what the badge class names, and the assertion lies within
    its verification scope: the allowed origins (by default the host of the profile's id)
    and any required start of the address."""
    issuer, named = result.issuer, result.badge_class.get("issuer")
    named = named.get("id") if isinstance(named, dict) else named
    if issuer.get("id") != named:
        result.report.add("Issuer", FAILED, f"The document at {named} is not that issuer's own.")
        return
    policy = issuer.get("verification") if isinstance(issuer.get("verification"), dict) else {}
    origins = policy.get("allowedOrigins") or urlsplit(named).netloc
    origins = [origins] if isinstance(origins, str) else list(origins)
    starts = policy.get("startsWith") or []
    starts = [starts] if isinstance(starts, str) else list(starts)
    host = urlsplit(result.url).netloc
    if host not in origins or (starts and not any(result.url.startswith(s) for s in starts)):
        result.report.add(
            "Issuer",
            FAILED,
            f"{result.url} is not where {issuer.get('name') or named} hosts its badges "
            f"({', '.join(origins)}).",
        )
        return
    result.report.add(
        "Issuer",
        PASSED,
        f"Issued by {issuer.get('name') or named} ({named}), on its own host {host}. "
        f"{_trust(named, url_name='ob_issuer')}",
    )


def _check_dates(report: Report, assertion: dict, now: datetime) -> None:
    issued, expires = moment(assertion.get("issuedOn")), moment(assertion.get("expires"))
    if issued is None:
        report.add("Validity", FAILED, "The assertion says nothing of when it was issued.")
    elif issued > now:
        report.add("Validity", FAILED, f"It is not valid before {issued:%-d %B %Y}.")
    elif expires is not None and expires <= now:
        report.add("Validity", FAILED, f"It expired on {expires:%-d %B %Y}.")
    else:
        until = f" until {expires:%-d %B %Y}" if expires else ", with no expiry"
        report.add("Validity", PASSED, f"Issued on {issued:%-d %B %Y}, valid{until}.")


def _check_recipient(report: Report, recipient, emails: tuple) -> None:
    if not isinstance(recipient, dict) or recipient.get("type", "email") != "email":
        report.add("Recipient", FAILED, "It is not issued to an email address.")
        return
    identity = str(recipient.get("identity") or "").strip()
    hashed = recipient.get("hashed") is True
    if hashed and not identity.lower().startswith("sha256$"):
        report.add("Recipient", FAILED, "Its recipient is hashed in a way Waymark cannot check.")
        return
    for email in emails:
        typed = hashed_identity(email, str(recipient.get("salt") or "")) if hashed else email
        if hmac.compare_digest(typed.strip().lower(), identity.lower()):
            report.add("Recipient", PASSED, f"It was issued to {email}, one of yours.")
            return
    report.add("Recipient", FAILED, "It was not issued to any of your verified email addresses.")
