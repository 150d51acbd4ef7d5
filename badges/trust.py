"""What Waymark can say about who an issuer is: whether it has proven control of the domain
of its web address, since when, and whether site staff have recognised it as the body it
says it is. Read from the issuer's two trust records, which every page that shows an
issuer loads with it (`RELATED`), so that saying this costs no query of its own."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, timezone

from badges import domain_checks
from badges.domain_checks import domain_of
from badges.models import Issuer

# select_related() paths from an issuer; prefix them with the path to the issuer.
RELATED = ("domain_verification", "recognition")


def related(path_to_issuer: str = "") -> list[str]:
    prefix = f"{path_to_issuer}__" if path_to_issuer else ""
    return [prefix + name for name in RELATED]


@dataclass(frozen=True)
class IssuerTrust:
    domain: str
    verified_since: datetime | None
    method: str
    recognised_as: str  # "a royal college or faculty"; "" when not recognised
    recognised_kind: str
    recognised_since: datetime | None
    recognition_evidence: str

    @property
    def verified(self) -> bool:
        return self.verified_since is not None

    @property
    def recognised(self) -> bool:
        return bool(self.recognised_kind)

    def domain_in_words(self) -> str:
        if not self.verified:
            return "Domain not verified."
        since = dateformat.format(timezone.localtime(self.verified_since), "j F Y")
        return f"Verified domain {self.domain} since {since}."

    def in_words(self) -> str:
        """Plain sentences, as the pages and the verify-a-credential report say it."""
        words = self.domain_in_words()
        if self.recognised:
            words += f" Recognised by Waymark's staff as {self.recognised_as}."
        return words


def trust_of(issuer: Issuer) -> IssuerTrust:
    """The issuer's standing now. A verification counts only for the domain the issuer's
    address has today: a new address is unverified until it is proven, whichever way the
    address was changed."""
    domain = domain_of(issuer.url)
    # Reverse one-to-one relations raise a subclass of AttributeError when the row is
    # missing, so getattr's default covers an issuer that has neither record.
    record = getattr(issuer, "domain_verification", None)
    verified = record is not None and record.verified_at is not None and record.domain == domain
    recognition = getattr(issuer, "recognition", None)
    return IssuerTrust(
        domain=domain,
        verified_since=record.verified_at if verified else None,
        method=record.method if verified else "",
        recognised_as=recognition.get_kind_display() if recognition else "",
        recognised_kind=recognition.kind if recognition else "",
        recognised_since=recognition.marked_at if recognition else None,
        recognition_evidence=recognition.evidence if recognition else "",
    )


def domain_card(issuer: Issuer) -> dict:
    """The issuer page's "Verify your domain" card, for its admins: the token, where to
    publish it, and the last check. One query."""
    issuer = Issuer.objects.select_related(*RELATED).get(pk=issuer.pk)
    record = getattr(issuer, "domain_verification", None)
    domain = domain_of(issuer.url)
    return {
        "domain_record": record,
        "trust": trust_of(issuer),
        "well_known_url": domain_checks.well_known_url(issuer.url),
        "dns_name": domain_checks.dns_name(domain),
        "dns_value": domain_checks.dns_value(record.token) if record else "",
    }
