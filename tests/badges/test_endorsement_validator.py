"""An endorsed badge class and an endorsed issuer pass the official Open Badges 2.0
validator, which fetches every Endorsement they list, and the endorser's profile, from a
live server and validates them."""

import pytest
import requests

from badges.services import awarding, endorsements
from tests.badges import ob_validator as validator
from tests.badges.endorsing import college, endorse, endorsed_class, trust_issuer

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["college", "endorsed_class", "trust_issuer"]


@pytest.fixture
def endorsed_award(
    live_server,
    settings,
    college,
    trust_issuer,
    endorsed_class,
    enrolled_trainee,
    org_admin,
    org_b_admin,
):
    settings.SITE_URL = live_server.url
    endorse(org_b_admin, college, endorsed_class)
    endorse(org_b_admin, college, trust_issuer, claim="Teaches foundation doctors well.")
    return awarding.award_badge(
        badge_class=endorsed_class, recipient=enrolled_trainee, actor=org_admin, narrative="Hosted."
    )


def test_an_endorsed_badge_class_and_issuer_validate(live_server, endorsed_award, enrolled_trainee):
    url = f"{live_server.url}/ob/v2/assertions/{endorsed_award.uid}"
    badge_class = requests.get(requests.get(url, timeout=10).json()["badge"], timeout=10).json()
    issuer = requests.get(badge_class["issuer"], timeout=10).json()
    assert len(badge_class["endorsement"]) == 1 and len(issuer["endorsement"]) == 1
    report = validator.validate(url, email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
    assert report["errorCount"] == 0 and report["warningCount"] == 0, report["messages"]


def test_a_broken_endorsement_fails_the_validator(
    live_server, endorsed_award, enrolled_trainee, org_b_admin, monkeypatch
):
    # The control: the validator does read the endorsements. One that names no issuer fails.
    from badges import openbadges

    real = openbadges.endorsement_document
    monkeypatch.setattr(
        openbadges,
        "endorsement_document",
        lambda endorsement: {k: v for k, v in real(endorsement).items() if k != "issuer"},
    )
    url = f"{live_server.url}/ob/v2/assertions/{endorsed_award.uid}"
    report = validator.validate(url, email=enrolled_trainee.email)
    assert not report["valid"]
    assert any("issuer" in error for error in validator.errors(report)), report["messages"]


def test_a_withdrawn_endorsement_is_not_listed_and_the_badge_still_validates(
    live_server, endorsed_award, enrolled_trainee, org_b_admin
):
    for endorsement in endorsed_award.badge_class.endorsements.all():
        endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")
    url = f"{live_server.url}/ob/v2/assertions/{endorsed_award.uid}"
    report = validator.validate(url, email=enrolled_trainee.email)
    assert report["valid"], validator.errors(report)
