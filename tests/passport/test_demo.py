"""seed_demo's second trust: the first demo trainee, just arrived at St Somewhere Else, sees
that her St Elsewhere information-governance badge and Ward Round Learning's hand-hygiene
badge meet two of its subjects, and the other nine are still to do."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from passport import selectors
from passport.standing import add_months

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
    # She joined her other organisations months ago: only the second trust greets her as new.
    assert [s.organisation.slug for s in passport.sections if s.is_new] == ["st-somewhere-else"]

    client.force_login(trainee)
    page = client.get(reverse("passport:mine")).content.decode()
    assert "New at St Somewhere Else NHS Trust" in page
    assert "2 of 11 subjects</strong> already covered" in page
    assert "Ward Round Learning has not said what it accepts yet." in page
    # The IG badge was earned today and lasts twelve months: it counts until the day before
    # its anniversary, which is the first day it no longer counts.
    last_day = add_months(met["CSTF-IG"].issued_on, 12) - timedelta(days=1)
    assert f"counts until {last_day:%-d %b %Y}" in page


def test_the_second_trust_has_its_own_admin_who_sees_the_trainee_in_its_grid(client):
    call_command("seed_demo")
    admin = User.objects.get(email="admin2@waymark.example")
    client.force_login(admin)

    page = client.get(reverse("passport:compliance", args=["st-somewhere-else"]))

    assert page.status_code == 200
    assert "Dr Asha Patel" in page.content.decode()
    assert "2 of 11" in page.content.decode()
