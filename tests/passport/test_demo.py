"""seed_demo's second trust: the first demo trainee, just arrived at St Somewhere Else, sees
that her St Elsewhere information-governance badge and Ward Round Learning's hand-hygiene
badge meet two of its subjects, and the other nine are still to do."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from passport import selectors

pytestmark = pytest.mark.django_db

OTHER_NINE = {
    "CSTF-EDHR",
    "CSTF-HSW",
    "CSTF-CR",
    "CSTF-FIRE",
    "CSTF-MH",
    "CSTF-SGA",
    "CSTF-SGC",
    "CSTF-PREVENT",
    "CSTF-RESUS",
}


def test_the_demo_trainee_has_ig_and_ipc_met_at_the_second_trust_and_nine_outstanding(client):
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")

    passport = selectors.passport_of(trainee, today=timezone.localdate())

    [second] = [s for s in passport.sections if s.organisation.slug == "st-somewhere-else"]
    assert second.is_new and passport.sections[0] is second
    assert (second.covered, second.required) == (2, 11)
    met = {row.subject.code: row.standing.match.credential for row in second.met}
    assert set(met) == {"CSTF-IG", "CSTF-IPC"}
    assert (met["CSTF-IG"].name, met["CSTF-IG"].issuer) == (
        "Information Governance and Data Security",
        "St Elsewhere NHS Foundation Trust",
    )
    assert (met["CSTF-IPC"].name, met["CSTF-IPC"].issuer) == ("Hand hygiene", "Ward Round Learning")
    assert {row.subject.code for row in second.outstanding} == OTHER_NINE

    [first] = [s for s in passport.sections if s.organisation.slug == "st-elsewhere"]
    assert (first.covered, first.required) == (1, 1)

    client.force_login(trainee)
    page = client.get(reverse("passport:mine")).content.decode()
    assert "New at St Somewhere Else NHS Trust" in page
    assert "2 of 11 subjects</strong> already covered" in page
    assert "Ward Round Learning has not said what it accepts yet." in page


def test_the_second_trust_has_its_own_admin_who_sees_the_trainee_in_its_grid(client):
    call_command("seed_demo")
    admin = User.objects.get(email="admin2@waymark.example")
    client.force_login(admin)

    page = client.get(reverse("passport:compliance", args=["st-somewhere-else"]))

    assert page.status_code == 200
    assert "Dr Asha Patel" in page.content.decode()
    assert "2 of 11" in page.content.decode()
