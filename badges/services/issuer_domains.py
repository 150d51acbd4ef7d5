"""An issuer proving that it controls the domain of its web address, and keeping the proof
current. Its admins publish the issuer's token (badges.domain_checks says where); a check
finds it and marks the issuer verified, with the domain, the way and the date; a later
check that no longer finds it, a new token, or a new domain in the issuer's address
unverifies it. Each change of standing is in the organisation's audit chain.

No transaction is held open across the network: the token and domain are read, the token
is looked for, and the outcome is recorded afterwards only if neither changed meanwhile.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from badges import domain_checks
from badges.domain_checks import domain_of
from badges.models import Issuer, IssuerDomainVerification, new_verification_token
from badges.services.awarding import refuse_unless_issuer_admin
from core.errors import StateConflict

# How often an admin's "Check now" may make Waymark fetch from the issuer's host.
CHECK_NOW_INTERVAL = timedelta(minutes=1)
# An issuer not yet verified whose admins asked for a check this recently is checked again
# by the daily sweep, so that publishing the token a little later is enough.
PENDING_FOR = timedelta(days=7)


class CheckTooSoon(StateConflict):
    def __init__(self, retry_after: timedelta):
        self.retry_after = max(1, int(retry_after.total_seconds()))
        super().__init__(
            f"The domain was checked less than a minute ago. Try again in "
            f"{self.retry_after} seconds."
        )


@dataclass(frozen=True)
class CheckResult:
    verified: bool
    changed: bool  # the issuer's standing changed (verified ↔ not verified)
    message: str


def _locked_record(issuer: Issuer) -> IssuerDomainVerification:
    """The issuer's record, made with a token on first use, locked until commit."""
    record, _ = IssuerDomainVerification.objects.select_for_update().get_or_create(
        issuer=issuer, defaults={"domain": domain_of(issuer.url)}
    )
    return record


def _unverify(record: IssuerDomainVerification, *, actor, reason: str) -> bool:
    """Withdraw the verification, if there is one, with the reason in the audit log."""
    if record.verified_at is None:
        return False
    audit.append(
        actor=actor,
        action="issuer_domain_unverified",
        obj=record.issuer,
        payload={"domain": record.domain, "reason": reason},
        chain=audit.organisation_chain(record.issuer.organisation_id),
    )
    record.verified_at, record.method = None, ""
    return True


@transaction.atomic
def follow_issuer_address(*, issuer: Issuer, actor) -> IssuerDomainVerification:
    """After the issuer's web address is saved: a new host starts over, unverified. Called
    by badges.services.badge_classes.update_issuer, in its transaction."""
    record = _locked_record(issuer)
    domain = domain_of(issuer.url)
    if record.domain != domain:
        old = record.domain
        _unverify(record, actor=actor, reason=f"The issuer's web address moved to {domain}.")
        record.domain = domain
        if old:
            record.last_result = (
                f"The issuer's web address is now on {domain}: publish the token there and "
                "check again."
            )
        record.save()
    return record


@transaction.atomic
def regenerate_token(*, issuer: Issuer, actor) -> IssuerDomainVerification:
    """A new token for the issuer (the first one, if it had none), as one of its admins.
    A verification made with the old token is withdrawn: it proved the old token."""
    refuse_unless_issuer_admin(actor, issuer)
    record = _locked_record(issuer)
    _unverify(record, actor=actor, reason="A new token was made.")
    record.token = new_verification_token()
    record.domain = domain_of(issuer.url)
    record.last_result = "A new token was made: publish it, then check again."
    record.save()
    audit.append(
        actor=actor,
        action="issuer_domain_token_made",
        obj=issuer,
        payload={"domain": record.domain},
        chain=audit.organisation_chain(issuer.organisation_id),
    )
    return record


def check_now(*, issuer: Issuer, actor, now: datetime | None = None, **probes) -> CheckResult:
    """An admin's "Check now": at most once a minute per issuer (CheckTooSoon otherwise)."""
    now = now or timezone.now()
    with transaction.atomic():
        refuse_unless_issuer_admin(actor, issuer)
        record = _locked_record(issuer)
        # The lock makes a second click wait here, then see the first one's time.
        if record.check_requested_at and now - record.check_requested_at < CHECK_NOW_INTERVAL:
            raise CheckTooSoon(record.check_requested_at + CHECK_NOW_INTERVAL - now)
        record.check_requested_at = now
        record.save(update_fields=["check_requested_at"])
    return check_issuer_domain(issuer, now=now, actor=actor, **probes)


def check_issuer_domain(
    issuer: Issuer, *, fetch=None, resolve_txt=None, now: datetime | None = None, actor=None
) -> CheckResult:
    """Look for the issuer's token and record what was found: verified (since now, or since
    it already was), or not, with the reason. Idempotent: checking again with nothing
    changed changes only the time of the last check. `fetch` and `resolve_txt` stand in for
    the network (badges.domain_checks.fetch_well_known and resolve_txt)."""
    now = now or timezone.now()
    with transaction.atomic():
        record = _locked_record(issuer)
        token, url = record.token, Issuer.objects.values_list("url", flat=True).get(pk=issuer.pk)
    found, reasons = domain_checks.find_token(
        issuer_url=url, token=token, fetch=fetch, resolve_txt_records=resolve_txt
    )
    return _record_outcome(
        issuer, url=url, token=token, found=found, reasons=reasons, now=now, actor=actor
    )


@transaction.atomic
def _record_outcome(issuer, *, url, token, found, reasons, now, actor) -> CheckResult:
    record = _locked_record(issuer)
    current_url = Issuer.objects.values_list("url", flat=True).get(pk=issuer.pk)
    if record.token != token or domain_of(current_url) != domain_of(url):
        # The admins made a new token or moved the address while the check ran: what it
        # found proves nothing about the issuer as it is now.
        return CheckResult(
            record.verified_at is not None and record.domain == domain_of(current_url),
            False,
            "The token or the web address changed during the check; check again.",
        )
    domain = domain_of(url)
    was_verified = record.verified_at is not None and record.domain == domain
    if record.domain != domain:
        _unverify(record, actor=actor, reason=f"The issuer's web address moved to {domain}.")
        record.domain = domain
    if found:
        if record.verified_at is None:
            record.verified_at = now
            audit.append(
                actor=actor,
                action="issuer_domain_verified",
                obj=issuer,
                payload={"domain": domain, "method": found.method, "where": found.where},
                chain=audit.organisation_chain(issuer.organisation_id),
            )
        record.method = found.method
        record.last_result = f"Verified: the token was found at {found.where}."
    else:
        reason = " ".join(reasons)
        if _unverify(record, actor=actor, reason=reason):
            record.last_result = f"No longer verified: the token was not found. {reason}"
        else:
            record.last_result = f"Not verified: the token was not found. {reason}"
    record.last_checked_at = now
    record.save()
    verified = record.verified_at is not None
    return CheckResult(verified, verified != was_verified, record.last_result)


def issuers_to_recheck(now: datetime | None = None) -> list[int]:
    """The sweep's list: every verified issuer, and those waiting for a first proof that
    their admins asked to have checked in the last week."""
    now = now or timezone.now()
    waiting = IssuerDomainVerification.objects.filter(
        verified_at__isnull=True, check_requested_at__gte=now - PENDING_FOR
    )
    verified = IssuerDomainVerification.objects.filter(verified_at__isnull=False)
    return sorted(set((verified | waiting).values_list("issuer_id", flat=True)))
