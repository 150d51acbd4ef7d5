"""The badge services refuse what the actor may not do, whoever calls them (page, API, command):
awards by hand, revocation, badge classes and the issuer profile are for the admins of the
issuing organisation; what a trainee shows publicly is the trainee's alone."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from badges.models import Award, BadgeClass, Issuer, PublicProfile
from badges.services import awarding, badge_classes, public_profile
from core.errors import StateConflict
from portfolio import services as portfolio_services

pytestmark = pytest.mark.django_db

NOT_ISSUER_ADMINS = ["trainee", "supervisor", "org_b_admin"]


def badge(slug):
    return BadgeClass.objects.get(slug=slug)


@pytest.fixture
def demo_badges(badge_classes):
    """The demo badge classes, by a name that leaves `badge_classes` to the service module."""


@pytest.fixture
def person(request, supervisor, org_b_admin):
    return request.getfixturevalue(request.param)


# --- Awarding by hand ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", NOT_ISSUER_ADMINS, indirect=True)
def test_only_the_issuers_admins_award_by_hand(demo_badges, trainee, person):
    with pytest.raises(PermissionDenied):
        awarding.award_badge(badge_class=badge("teaching-impact"), recipient=trainee, actor=person)
    assert not Award.objects.exists()


def test_the_rules_award_as_the_system(demo_badges, trainee):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    assert award.awarded_by is None


@pytest.mark.parametrize("actor", ["org_admin", "system"])
def test_an_inactive_badge_class_is_not_awarded(request, demo_badges, trainee, actor):
    BadgeClass.objects.filter(slug="teaching-impact").update(is_active=False)
    by = None if actor == "system" else request.getfixturevalue(actor)
    with pytest.raises(StateConflict, match="is not active. Make it active to award it."):
        awarding.award_badge(badge_class=badge("teaching-impact"), recipient=trainee, actor=by)
    assert not Award.objects.exists()


def test_only_the_issuers_trainees_are_awarded_by_hand(demo_badges, org_admin, supervisor):
    with pytest.raises(ValidationError, match="is not a trainee of"):
        awarding.award_badge(
            badge_class=badge("teaching-impact"), recipient=supervisor, actor=org_admin
        )
    assert not Award.objects.exists()


@pytest.fixture
def candidate_entries(demo_badges, log, enrolled_trainee, other_trainee, supervisor):
    """The trainee's signed-off entry, their draft, and another trainee's entry."""
    signed_off = log(title="Taught sepsis recognition")
    portfolio_services.submit_for_sign_off(
        entry=signed_off, supervisor=supervisor, actor=enrolled_trainee
    )
    portfolio_services.approve(entry=signed_off, actor=supervisor)
    draft = log(title="A draft")
    theirs, _ = portfolio_services.log_entry(
        actor=other_trainee,
        trainee=other_trainee,
        kind="reading",
        title="Not yours",
        date="2026-11-01",
    )
    return {"signed_off": signed_off, "draft": draft, "theirs": theirs}


@pytest.mark.parametrize("linked", ["draft", "theirs"])
def test_a_manual_award_links_only_the_recipients_signed_off_entries(
    candidate_entries, enrolled_trainee, org_admin, linked
):
    with pytest.raises(ValidationError) as refused:
        awarding.award_badge(
            badge_class=badge("teaching-impact"),
            recipient=enrolled_trainee,
            actor=org_admin,
            entries=[candidate_entries["signed_off"], candidate_entries[linked]],
        )
    assert refused.value.message_dict == {
        "entries": ["Only the trainee's own signed-off entries can be linked to their badge."]
    }
    assert not Award.objects.exists()

    award = awarding.award_badge(
        badge_class=badge("teaching-impact"),
        recipient=enrolled_trainee,
        actor=org_admin,
        entries=[candidate_entries["signed_off"]],
    )
    assert list(award.entries.all()) == [candidate_entries["signed_off"]]


# --- Revoking ------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", [*NOT_ISSUER_ADMINS, "other_trainee"], indirect=True)
def test_only_the_issuers_admins_revoke(demo_badges, trainee, person):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    with pytest.raises(PermissionDenied):
        awarding.revoke_award(award=award, actor=person, reason="Because.")
    award.refresh_from_db()
    assert award.revoked_at is None


def test_a_badge_is_revoked_once(demo_badges, trainee, org_admin):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    with pytest.raises(ValidationError):
        awarding.revoke_award(award=award, actor=org_admin, reason="  ")
    awarding.revoke_award(award=award, actor=org_admin, reason="In error.")
    with pytest.raises(StateConflict, match="That badge is already revoked."):
        awarding.revoke_award(award=award, actor=org_admin, reason="Twice.")
    award.refresh_from_db()
    assert award.revocation_reason == "In error."


# --- The issuer and its badge classes ------------------------------------------------------------


@pytest.mark.parametrize("person", NOT_ISSUER_ADMINS, indirect=True)
def test_only_the_organisations_admins_change_its_issuer(org_a, person):
    with pytest.raises(PermissionDenied):
        badge_classes.update_issuer(
            organisation=org_a,
            actor=person,
            name="Taken over",
            url="https://evil.example/",
            email="x@evil.example",
        )
    assert not Issuer.objects.exists()


@pytest.mark.parametrize("person", NOT_ISSUER_ADMINS, indirect=True)
def test_only_the_issuers_admins_create_badge_classes(demo_badges, org_a, person):
    with pytest.raises(PermissionDenied):
        badge_classes.create_badge_class(
            issuer=org_a.issuer,
            actor=person,
            slug="intruder",
            name="Intruder",
            description="x",
            criteria="x",
        )
    assert not BadgeClass.objects.filter(slug="intruder").exists()


@pytest.mark.parametrize("person", NOT_ISSUER_ADMINS, indirect=True)
def test_only_the_issuers_admins_change_badge_classes(demo_badges, person):
    with pytest.raises(PermissionDenied):
        badge_classes.update_badge_class(
            badge_class=badge("peer-teacher"), actor=person, name="Mine"
        )
    assert badge("peer-teacher").name == "Peer teacher"


# --- What a trainee shows publicly ---------------------------------------------------------------


@pytest.mark.parametrize("person", ["other_trainee", "org_admin"], indirect=True)
def test_only_the_earner_shows_or_hides_a_badge(demo_badges, trainee, person):
    award = awarding.award_badge(badge_class=badge("peer-teacher"), recipient=trainee)
    with pytest.raises(PermissionDenied):
        public_profile.set_award_public(award=award, actor=person, public=True)
    award.refresh_from_db()
    assert not award.public


@pytest.mark.parametrize("person", ["other_trainee", "org_admin"], indirect=True)
def test_only_the_trainee_turns_their_public_profile_on(trainee, person):
    with pytest.raises(PermissionDenied):
        public_profile.set_public_profile(trainee=trainee, actor=person, enabled=True)
    assert not PublicProfile.objects.filter(user=trainee, enabled=True).exists()
    assert public_profile.set_public_profile(trainee=trainee, actor=trainee, enabled=True).enabled


@pytest.mark.parametrize(
    "url",
    [
        'https://trust.example/"onmouseover="x',
        "https://trust.example/a b",
        "ftp://trust.example/",
        "javascript:alert(1)",
        "trust.example",
    ],
)
def test_an_issuer_url_must_be_an_absolute_web_address(org_a, org_admin, url):
    # It is published in every Open Badges document the issuer's awards point to.
    with pytest.raises(ValidationError) as refused:
        badge_classes.update_issuer(
            organisation=org_a, actor=org_admin, name="St Elsewhere", url=url, email="e@x.example"
        )
    assert "url" in refused.value.message_dict
    assert not Issuer.objects.exists()


def test_a_plain_https_issuer_url_is_kept_as_given(org_a, org_admin):
    issuer = badge_classes.update_issuer(
        organisation=org_a,
        actor=org_admin,
        name="St Elsewhere",
        url="https://trust.example/education?year=2026#badges",
        email="e@x.example",
    )
    assert issuer.url == "https://trust.example/education?year=2026#badges"
