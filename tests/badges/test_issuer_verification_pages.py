"""Where an issuer's standing is shown: the admins' "Verify your domain" card and its API,
every public page that names the issuer, and the staff's recognised-body mark in the admin."""

import html
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEntry
from badges.models import BadgeClass, Issuer, IssuerDomainVerification, IssuerRecognition
from badges.services import awarding, badge_classes, recognition
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.badges.issuer_site import EVIDENCE, NOW, IssuerSite, no_txt_record, verify_domain
from tests.factories import UserFactory
from tests.helpers import (
    NOT_THE_ORGANISATIONS_ADMINS,
    assert_post_refused,
    messages_of,
    sign_in_as,
    sign_in_as_staff,
)

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache


@pytest.fixture
def issuer(badge_classes):
    # The demo issuer, at https://st-elsewhere.example/, made without the pages' service.
    return Issuer.objects.get()


@pytest.fixture
def award(issuer, enrolled_trainee, org_admin):
    award = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="journal-club-host"),
        recipient=enrolled_trainee,
        actor=org_admin,
    )
    award.public = True
    award.save()
    return award


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def recognised(issuer, staff):
    recognition.recognise_issuer(
        issuer=issuer, actor=staff, kind="royal_college", evidence=EVIDENCE, now=NOW
    )


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- The issuer page's card ------------------------------------------------------------------


def issuer_page(org):
    return reverse("badges:org_issuer_edit", args=[org.slug])


def test_the_card_offers_a_token_then_says_where_to_publish_it(
    client, org_a, org_admin, issuer, django_assert_num_queries
):
    client.force_login(org_admin)
    first = text(client.get(issuer_page(org_a)))
    assert "Verify your domain" in first and "Get a verification token" in first
    assert "Domain not verified." in first
    response = client.post(reverse("badges:org_issuer_domain_token", args=[org_a.slug]))
    assert response.url == issuer_page(org_a) + "#domain"
    token = IssuerDomainVerification.objects.get(issuer=issuer).token
    # The session and user, the organisation, the issuer, the issuer with its trust
    # records, the navigation's organisations.
    with django_assert_num_queries(6):
        page = text(client.get(issuer_page(org_a)))
    assert f"Your token: {token}" in page
    assert "https://st-elsewhere.example/.well-known/waymark-issuer.txt" in page
    assert (
        f"DNS TXT record on _waymark.st-elsewhere.example with the value waymark-issuer={token}"
        in page
    )
    assert "Domain not verified." in page


@pytest.fixture
def site():
    running = IssuerSite()
    yield running
    running.close()


def test_check_now_verifies_an_issuer_that_serves_its_token(client, org_a, org_admin, site):
    issuer = badge_classes.update_issuer(
        organisation=org_a, actor=org_admin, name="St E", url=site.url, email="b@example.org"
    )
    site.serve(IssuerDomainVerification.objects.get(issuer=issuer).token)
    client.force_login(org_admin)
    check = reverse("badges:org_issuer_domain_check", args=[org_a.slug])
    response = client.post(check)
    assert response.status_code == 302
    assert messages_of(response)[0].startswith("Verified: the token was found at http://127.0.0.1")
    page = text(client.get(issuer_page(org_a)))
    assert "Verified domain 127.0.0.1 since " in page
    assert "Last checked " in page
    # A second click straight away is refused, without fetching again.
    again = client.post(check)
    assert messages_of(again)[0].startswith("The domain was checked less than a minute ago.")
    assert len(site.requests) == 1


def test_check_now_says_why_the_token_was_not_found(client, org_a, org_admin, site, monkeypatch):
    from badges import domain_checks

    monkeypatch.setattr(domain_checks, "resolve_txt", no_txt_record)
    badge_classes.update_issuer(
        organisation=org_a, actor=org_admin, name="St E", url=site.url, email="b@example.org"
    )
    site.serve("someone else's token")
    client.force_login(org_admin)
    response = client.post(reverse("badges:org_issuer_domain_check", args=[org_a.slug]))
    message = messages_of(response)[0]
    assert message.startswith("Not verified: the token was not found.")
    assert "does not hold this issuer's current token" in message


@pytest.mark.parametrize("persona", NOT_THE_ORGANISATIONS_ADMINS)
@pytest.mark.parametrize("name", ["org_issuer_domain_check", "org_issuer_domain_token"])
def test_nobody_else_checks_or_makes_tokens(client, request, org_a, issuer, persona, name):
    sign_in_as(client, request, persona)
    response = client.post(reverse(f"badges:{name}", args=[org_a.slug]))
    assert_post_refused(response, persona)
    assert not IssuerDomainVerification.objects.exists()


# --- Public pages ----------------------------------------------------------------------------


def public_pages(award):
    return {
        "verification": award.get_absolute_url(),
        "badge class": reverse("badges:badge_class_detail", args=[award.badge_class_id]),
        "profile": reverse("badges:public_profile", args=[award.recipient.public_profile.slug]),
    }


@pytest.fixture
def profile(award, enrolled_trainee):
    from badges.services import public_profile

    public_profile.set_public_profile(
        trainee=enrolled_trainee, actor=enrolled_trainee, enabled=True
    )


def test_public_pages_say_plainly_that_the_domain_is_not_verified(client, award, profile):
    for name, url in public_pages(award).items():
        page = text(client.get(url))
        assert "Domain not verified." in page, name
        assert "Recognised by" not in page, name


def test_public_pages_show_the_verified_domain_and_the_recognised_mark(
    client, issuer, award, profile, recognised
):
    verify_domain(issuer)
    mark = "Recognised by Waymark's staff as a royal college or faculty"
    for name in ("verification", "badge class"):
        page = text(client.get(public_pages(award)[name]))
        assert "Verified domain st-elsewhere.example since 2 March 2026." in page, name
        assert f"{mark} on 2 March 2026, on this evidence: {EVIDENCE}" in page, name
    page = text(client.get(public_pages(award)["profile"]))
    assert "Verified domain st-elsewhere.example since 2 March 2026." in page
    assert f"{mark}." in page and EVIDENCE not in page


def test_a_new_web_address_shows_as_unverified_whichever_way_it_was_saved(client, issuer, award):
    verify_domain(issuer)
    # Not through the service (no record follows it): the pages still do not vouch for it.
    Issuer.objects.filter(pk=issuer.pk).update(url="https://elsewhere.example/")
    assert "Domain not verified." in text(client.get(award.get_absolute_url()))


def test_public_pages_cost_the_same_queries_with_a_verified_recognised_issuer(
    client, issuer, award, profile, recognised, django_assert_num_queries
):
    verify_domain(issuer)
    urls = public_pages(award)
    client.get(urls["verification"])  # signs the credential
    # The award with its badge class, issuer and the issuer's trust records; the
    # alignments; the stored credential; the endorsements of the badge and its issuer.
    with django_assert_num_queries(4):
        client.get(urls["verification"])
    # The badge class with its issuer and trust records; the alignments; the endorsements.
    with django_assert_num_queries(3):
        client.get(urls["badge class"])
    # The profile; the awards with their badge classes, issuers and trust records; the
    # badges issued elsewhere that the trainee shows.
    with django_assert_num_queries(3):
        client.get(urls["profile"])


def test_verifying_a_credential_names_the_issuers_standing(client, issuer, award, recognised):
    jwt = client.get(f"/ob/v3/credentials/{award.uid}.jwt").content.decode()
    before = text(client.post("/badges/verify/", {"credential": jwt}))
    assert "whose key signed it. Domain not verified. Recognised by Waymark's staff" in before
    verify_domain(issuer)
    after = text(client.post("/badges/verify/", {"credential": jwt}))
    assert "whose key signed it. Verified domain st-elsewhere.example since 2 March 2026." in after


# --- The staff's recognised-body mark --------------------------------------------------------


def recognition_page(issuer):
    return reverse("admin:badges_issuer_recognition", args=[issuer.pk])


def test_staff_mark_an_issuer_as_a_recognised_body_with_their_evidence(client, issuer, staff):
    sign_in_as_staff(client, staff)
    listing = text(client.get(reverse("admin:badges_issuer_changelist")))
    assert "Domain not verified." in listing
    change = client.get(reverse("admin:badges_issuer_change", args=[issuer.pk]))
    assert recognition_page(issuer) in change.content.decode()
    response = client.post(
        recognition_page(issuer), {"kind": "deanery", "evidence": "  NHS England WTE list.  "}
    )
    assert response.status_code == 302
    mark = IssuerRecognition.objects.get(issuer=issuer)
    assert (mark.kind, mark.evidence, mark.marked_by) == ("deanery", "NHS England WTE list.", staff)
    entry = AuditEntry.objects.get(action="issuer_recognised")
    assert entry.actor_id == staff.pk and entry.payload["evidence"] == "NHS England WTE list."
    response = client.post(recognition_page(issuer), {"withdraw": "1", "reason": "Merged."})
    assert response.status_code == 302 and not IssuerRecognition.objects.exists()
    assert AuditEntry.objects.get(action="issuer_recognition_withdrawn").payload["reason"] == (
        "Merged."
    )


def test_a_mark_needs_evidence(client, issuer, staff):
    sign_in_as_staff(client, staff)
    response = client.post(recognition_page(issuer), {"kind": "trust", "evidence": "   "})
    assert response.status_code == 200 and not IssuerRecognition.objects.exists()
    assert "This field is required." in response.content.decode()


def test_staff_without_the_permission_cannot_mark(client, issuer):
    sign_in_as_staff(client, UserFactory(is_staff=True))
    response = client.post(recognition_page(issuer), {"kind": "trust", "evidence": "x"})
    assert response.status_code == 403 and not IssuerRecognition.objects.exists()


def test_an_organisations_admins_cannot_mark_their_own_issuer(issuer, org_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        recognition.recognise_issuer(issuer=issuer, actor=org_admin, kind="trust", evidence="x")


# --- The API ---------------------------------------------------------------------------------


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_url(org, action=""):
    return f"/api/v1/organisations/{org.slug}/issuer/domain-verification/{action}"


def test_the_api_gives_the_token_and_the_standing(org_a, org_admin, issuer, recognised):
    api = api_as(org_admin)
    body = api.get(api_url(org_a)).json()
    assert body["token"] is None and body["verified"] is False
    assert body["well_known_url"] == "https://st-elsewhere.example/.well-known/waymark-issuer.txt"
    body = api.post(api_url(org_a, "token/")).json()
    token = IssuerDomainVerification.objects.get(issuer=issuer).token
    assert body["token"] == token and body["dns_value"] == f"waymark-issuer={token}"
    verify_domain(issuer)
    body = api.get(api_url(org_a)).json()
    assert body["verified"] is True and body["verified_by"] == "well_known"
    assert body["verified_since"] == "2026-03-02T09:15:00Z"
    assert body["recognition"] == {
        "recognised_as": "royal_college",
        "label": "a royal college or faculty",
        "since": "2026-03-02T09:15:00Z",
        "evidence": EVIDENCE,
    }


def test_the_api_checks_now_at_most_once_a_minute(org_a, org_admin, site):
    issuer = badge_classes.update_issuer(
        organisation=org_a, actor=org_admin, name="St E", url=site.url, email="b@example.org"
    )
    site.serve(IssuerDomainVerification.objects.get(issuer=issuer).token)
    api = api_as(org_admin)
    body = api.post(api_url(org_a, "check/")).json()
    assert body["verified"] is True and body["last_result"].startswith("Verified")
    too_soon = api.post(api_url(org_a, "check/"))
    error = assert_error(too_soon, 429, "throttled")
    assert error["message"].startswith("The domain was checked less than a minute ago.")
    assert 1 <= int(too_soon["Retry-After"]) <= 60


@pytest.mark.parametrize("action", ["", "check/", "token/"])
def test_the_api_answers_others_not_found(org_a, org_b_admin, issuer, action):
    api = api_as(org_b_admin)
    response = api.get(api_url(org_a)) if not action else api.post(api_url(org_a, action))
    assert_error(response, 404, "not_found")
