"""An issuer proves that it controls the domain of its web address by publishing its token:
a real web server on this machine answers the check, the DNS resolver is stood in for, and
the fetch keeps to the webhooks' rules about which addresses Waymark connects to."""

import socket
from datetime import timedelta
from functools import partial

import pytest
import urllib3
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from badges import domain_checks, tasks
from badges.domain_checks import CheckFailed
from badges.models import IssuerDomainVerification
from badges.services import badge_classes, issuer_domains
from tests.badges.issuer_site import NOW, IssuerSite, SilentSite, closed_port_url, no_txt_record
from tests.config.test_settings import production_setting
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    running = IssuerSite()
    yield running
    running.close()


def make_issuer(org, admin, url):
    return badge_classes.update_issuer(
        organisation=org, actor=admin, name="St Elsewhere", url=url, email="badges@example.org"
    )


@pytest.fixture
def issuer(org_a, org_admin, site):
    return make_issuer(org_a, org_admin, site.url)


def token_of(issuer) -> str:
    return IssuerDomainVerification.objects.get(issuer=issuer).token


def check(issuer, now=NOW, **probes):
    probes.setdefault("resolve_txt", no_txt_record)
    return issuer_domains.check_issuer_domain(issuer, now=now, **probes)


def record_of(issuer) -> IssuerDomainVerification:
    return IssuerDomainVerification.objects.get(issuer=issuer)


def actions(issuer) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type="issuer",
            object_id=str(issuer.pk),
            action__in=["issuer_domain_verified", "issuer_domain_unverified"],
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- The well-known file ---------------------------------------------------------------------


def test_an_issuer_that_serves_its_token_becomes_verified(issuer, site):
    site.serve(f"{token_of(issuer)}\n")
    result = check(issuer)
    assert result.verified and result.changed
    record = record_of(issuer)
    assert (record.domain, record.verified_at, record.method) == ("127.0.0.1", NOW, "well_known")
    assert site.requests == ["/.well-known/waymark-issuer.txt"]
    assert record.last_result == (
        f"Verified: the token was found at http://127.0.0.1:{site.port}"
        "/.well-known/waymark-issuer.txt."
    )
    assert actions(issuer) == ["issuer_domain_verified"]


def test_removing_the_token_unverifies_the_issuer_at_the_next_check_with_the_reason(issuer, site):
    site.serve(token_of(issuer))
    check(issuer)
    site.serve("", status=404)
    result = check(issuer, now=NOW + timedelta(days=1))
    assert not result.verified and result.changed
    record = record_of(issuer)
    assert record.verified_at is None and record.method == ""
    assert record.last_checked_at == NOW + timedelta(days=1)
    assert record.last_result.startswith("No longer verified: the token was not found.")
    assert "/.well-known/waymark-issuer.txt answered 404." in record.last_result
    assert "_waymark.127.0.0.1 has no TXT record." in record.last_result
    assert actions(issuer) == ["issuer_domain_verified", "issuer_domain_unverified"]
    reason = AuditEntry.objects.get(action="issuer_domain_unverified").payload["reason"]
    assert "answered 404" in reason


def test_a_file_with_another_token_does_not_verify(issuer, site):
    site.serve("not-this-issuers-token\n")
    result = check(issuer)
    assert not result.verified and not result.changed
    assert "does not hold this issuer's current token" in result.message
    assert actions(issuer) == []


def test_the_token_may_share_the_file_with_other_lines(issuer, site):
    site.serve(f"# Waymark\r\n  {token_of(issuer)}  \r\nother-site-token\r\n")
    assert check(issuer).verified


def test_checking_again_keeps_the_date_the_domain_was_first_proven(issuer, site):
    site.serve(token_of(issuer))
    check(issuer)
    again = check(issuer, now=NOW + timedelta(days=1))
    assert again.verified and not again.changed
    record = record_of(issuer)
    assert record.verified_at == NOW and record.last_checked_at == NOW + timedelta(days=1)
    assert actions(issuer) == ["issuer_domain_verified"]


def test_an_answer_larger_than_a_token_file_is_refused(issuer, site):
    site.serve(token_of(issuer) + "\n" + "x" * 5000)
    result = check(issuer)
    assert not result.verified
    assert "answered with more than 4 KB" in result.message


def test_a_redirect_is_not_followed(issuer, site):
    elsewhere = IssuerSite()
    try:
        elsewhere.serve(token_of(issuer))
        site.redirect(f"{elsewhere.url}.well-known/waymark-issuer.txt")
        result = check(issuer)
    finally:
        elsewhere.close()
    assert not result.verified
    assert "answered 302, a redirect, which Waymark does not follow" in result.message
    assert elsewhere.requests == []


def test_a_server_that_never_answers_is_given_up_on(org_a, org_admin):
    silent = SilentSite()
    try:
        issuer = make_issuer(org_a, org_admin, silent.url)
        quick = partial(
            domain_checks.fetch_well_known, timeout=urllib3.Timeout(connect=1, read=0.05)
        )
        result = check(issuer, fetch=quick)
    finally:
        silent.close()
    assert not result.verified
    assert "did not answer: it took too long to answer." in result.message


def test_a_closed_port_is_reported_as_such(org_a, org_admin):
    issuer = make_issuer(org_a, org_admin, closed_port_url())
    result = check(issuer)
    assert not result.verified
    assert "the connection was refused or could not be made" in result.message


# --- Which addresses are fetched --------------------------------------------------------------


def resolving_to(monkeypatch, address):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.parametrize("address", ["169.254.169.254", "169.254.10.10", "100.100.100.200"])
def test_metadata_and_link_local_addresses_are_refused_even_where_private_ones_are_allowed(
    settings, monkeypatch, address
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    resolving_to(monkeypatch, address)
    with pytest.raises(CheckFailed, match=f"Waymark does not connect there: .*{address}"):
        domain_checks.fetch_well_known("http://issuer.example/.well-known/waymark-issuer.txt")


def test_in_production_a_domain_on_this_machine_is_never_fetched(settings, issuer, site):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    site.serve(token_of(issuer))
    result = check(issuer)
    assert not result.verified and "Waymark does not connect there" in result.message
    assert site.requests == []


def test_in_production_only_https_on_the_default_port_is_checked(settings):
    settings.ISSUER_VERIFICATION_ALLOW_HTTP = False
    assert (
        domain_checks.well_known_url("http://Trust.Example:8080/about")
        == "https://trust.example/.well-known/waymark-issuer.txt"
    )
    with pytest.raises(CheckFailed, match="only https:// is"):
        domain_checks.fetch_well_known("http://trust.example/.well-known/waymark-issuer.txt")


def test_in_development_an_http_address_is_checked_at_its_own_port(settings):
    settings.ISSUER_VERIFICATION_ALLOW_HTTP = True
    assert (
        domain_checks.well_known_url("http://localhost:8001/")
        == "http://localhost:8001/.well-known/waymark-issuer.txt"
    )
    assert (
        domain_checks.well_known_url("https://www.trust.example:8443/")
        == "https://www.trust.example/.well-known/waymark-issuer.txt"
    )


def test_production_allows_neither_http_nor_private_addresses_unless_told():
    assert production_setting("s.ISSUER_VERIFICATION_ALLOW_HTTP") == "False"
    assert production_setting("s.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES") == "False"


# --- DNS --------------------------------------------------------------------------------------


def test_a_txt_record_verifies_the_domain_when_the_file_is_missing(org_a, org_admin):
    issuer = make_issuer(org_a, org_admin, closed_port_url())
    asked = []

    def resolve_txt(name):
        asked.append(name)
        return ["v=spf1 -all", f"waymark-issuer={token_of(issuer)}"]

    result = check(issuer, resolve_txt=resolve_txt)
    assert result.verified
    assert asked == ["_waymark.127.0.0.1"]
    record = record_of(issuer)
    assert record.method == "dns"
    assert (
        record.last_result
        == "Verified: the token was found at the TXT record of _waymark.127.0.0.1."
    )


def test_a_txt_record_with_another_token_does_not_verify(org_a, org_admin):
    issuer = make_issuer(org_a, org_admin, closed_port_url())
    result = check(issuer, resolve_txt=lambda name: ["waymark-issuer=someone-elses"])
    assert not result.verified
    assert "No TXT record of _waymark.127.0.0.1 holds this issuer's current token." in (
        result.message
    )


def test_without_a_dns_resolver_the_result_says_so(org_a, org_admin, monkeypatch):
    import dns.resolver

    def no_configuration(*args, **kwargs):
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr(dns.resolver, "Resolver", no_configuration)
    issuer = make_issuer(org_a, org_admin, closed_port_url())
    result = issuer_domains.check_issuer_domain(issuer, now=NOW)
    assert not result.verified
    assert "This server has no DNS resolver configured" in result.message


def test_a_failing_dns_lookup_is_reported_not_raised(monkeypatch):
    import dns.exception
    import dns.resolver

    class TimingOut:
        lifetime = None

        def resolve(self, name, kind):
            raise dns.exception.Timeout()

    monkeypatch.setattr(dns.resolver, "Resolver", TimingOut)
    with pytest.raises(CheckFailed, match="The DNS lookup of _waymark.trust.example took too long"):
        domain_checks.resolve_txt("_waymark.trust.example")


# --- What unverifies an issuer besides a failing check ---------------------------------------


def test_moving_the_web_address_to_another_host_unverifies(org_a, org_admin, issuer, site):
    site.serve(token_of(issuer))
    check(issuer)
    make_issuer(org_a, org_admin, f"{site.url}about/")  # same host: still verified
    assert record_of(issuer).verified_at == NOW
    make_issuer(org_a, org_admin, f"http://localhost:{site.port}/")
    record = record_of(issuer)
    assert record.verified_at is None and record.domain == "localhost"
    assert "now on localhost" in record.last_result
    reason = AuditEntry.objects.get(action="issuer_domain_unverified").payload["reason"]
    assert reason == "The issuer's web address moved to localhost."


def test_a_new_token_withdraws_the_verification_made_with_the_old_one(org_admin, issuer, site):
    old = token_of(issuer)
    site.serve(old)
    check(issuer)
    issuer_domains.regenerate_token(issuer=issuer, actor=org_admin)
    record = record_of(issuer)
    assert record.token != old and record.verified_at is None
    assert not check(issuer, now=NOW + timedelta(minutes=5)).verified
    site.serve(record.token)
    assert check(issuer, now=NOW + timedelta(minutes=6)).verified


def test_a_check_that_ran_while_the_token_changed_records_nothing(org_admin, issuer, site):
    site.serve(token_of(issuer))

    def fetch_while_the_admin_makes_a_new_token(url):
        text = domain_checks.fetch_well_known(url)
        issuer_domains.regenerate_token(issuer=issuer, actor=org_admin)
        return text

    result = check(issuer, fetch=fetch_while_the_admin_makes_a_new_token)
    assert not result.verified
    assert result.message == "The token or the web address changed during the check; check again."
    assert record_of(issuer).verified_at is None


# --- Who may check, and how often ------------------------------------------------------------


def test_check_now_runs_at_most_once_a_minute(org_admin, issuer, site):
    site.serve(token_of(issuer))
    probes = {"resolve_txt": no_txt_record}
    assert issuer_domains.check_now(issuer=issuer, actor=org_admin, now=NOW, **probes).verified
    with pytest.raises(issuer_domains.CheckTooSoon) as too_soon:
        issuer_domains.check_now(
            issuer=issuer, actor=org_admin, now=NOW + timedelta(seconds=20), **probes
        )
    assert too_soon.value.retry_after == 40
    assert len(site.requests) == 1
    later = NOW + timedelta(seconds=61)
    assert issuer_domains.check_now(issuer=issuer, actor=org_admin, now=later, **probes).verified
    assert len(site.requests) == 2


def test_only_the_issuers_admins_check_or_make_tokens(issuer, org_b_admin, trainee):
    for person in (org_b_admin, trainee):
        with pytest.raises(PermissionDenied):
            issuer_domains.check_now(issuer=issuer, actor=person, now=NOW)
        with pytest.raises(PermissionDenied):
            issuer_domains.regenerate_token(issuer=issuer, actor=person)


# --- The daily re-check -----------------------------------------------------------------------


def test_the_daily_sweep_rechecks_verified_and_waiting_issuers_only(
    org_a, org_b, org_admin, org_b_admin, monkeypatch
):
    published = {}
    fetched = []

    def fetch(url):
        fetched.append(url)
        if url in published:
            return published[url]
        raise CheckFailed(f"{url} answered 404.")

    monkeypatch.setattr(domain_checks, "fetch_well_known", fetch)
    monkeypatch.setattr(domain_checks, "resolve_txt", no_txt_record)
    verified = make_issuer(org_a, org_admin, "https://verified.example/")
    waiting = make_issuer(org_b, org_b_admin, "https://waiting.example/")
    third = OrganisationFactory()
    third_admin = MembershipFactory(organisation=third, role=Role.ADMIN).user
    idle = make_issuer(third, third_admin, "https://idle.example/")
    verified_file = "https://verified.example/.well-known/waymark-issuer.txt"
    waiting_file = "https://waiting.example/.well-known/waymark-issuer.txt"
    published[verified_file] = token_of(verified)
    now = timezone.now()
    issuer_domains.check_issuer_domain(verified, now=now - timedelta(days=1))
    IssuerDomainVerification.objects.filter(issuer=waiting).update(
        check_requested_at=now - timedelta(days=2)
    )
    # Since then: the first issuer took its file down; the second published its token.
    del published[verified_file]
    published[waiting_file] = token_of(waiting)
    fetched.clear()

    assert tasks.recheck_issuer_domains() == 2

    assert sorted(fetched) == [verified_file, waiting_file]
    assert record_of(verified).verified_at is None
    assert "answered 404" in record_of(verified).last_result
    assert record_of(waiting).verified_at is not None
    assert record_of(idle).last_checked_at is None
    entries = AuditEntry.objects.filter(action__startswith="issuer_domain").count()
    tasks.recheck_issuer_domains()  # idempotent: nothing changes, nothing more is audited
    assert AuditEntry.objects.filter(action__startswith="issuer_domain").count() == entries


def test_beat_runs_the_sweep_daily(settings):
    sweep = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "badges.tasks.recheck_issuer_domains"
    )
    assert sweep["schedule"].hour == {4} and sweep["schedule"].minute == {41}


def test_the_domain_is_the_host_of_the_web_address():
    assert (
        domain_checks.domain_of("https://WWW.Trust.Example.:8443/path?q=1") == "www.trust.example"
    )
    assert domain_checks.domain_of("not a web address") == ""
