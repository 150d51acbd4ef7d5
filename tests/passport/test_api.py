"""The passport's API: the caller's passport, and an organisation's acceptances and
compliance for its admins, through the same selectors and services as the pages."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from passport.models import Acceptance
from tests.conftest import member

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_trainees_passport(accepts_ig, award, ig_badge, trainee, org_a):
    made = award(ig_badge, trainee)
    body = api(trainee).get("/api/v1/passport/").json()
    ig = next(s for s in body["subjects"] if s["subject"] == "CSTF-IG")
    assert ig["status"] == "met" and ig["accepted_by"] == [org_a.slug]
    assert ig["credential"]["kind"] == "award" and ig["credential"]["id"] == made.pk
    fire = next(s for s in body["subjects"] if s["subject"] == "CSTF-FIRE")
    assert fire["status"] == "missing" and fire["credential"] is None
    [section] = body["organisations"]
    assert (section["organisation"], section["required"], section["covered"]) == (org_a.slug, 1, 1)


def test_admins_list_add_and_remove_acceptances(org_a, org_admin, ig_badge):
    client = api(org_admin)
    url = f"/api/v1/organisations/{org_a.slug}/passport/acceptances/"
    created = client.post(
        url, {"subject": "CSTF-IG", "badge_class": ig_badge.pk, "max_age_months": 24}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["months"] == 24 and created.json()["label"] == "Information governance"
    elsewhere = client.post(
        url,
        {
            "subject": "CSTF-FIRE",
            "issuer_uri": "https://learning.example/issuer",
            "achievement_uri": "https://learning.example/fire",
            "name": "Fire safety",
        },
        format="json",
    )
    assert elsewhere.status_code == 201 and elsewhere.json()["months"] == 24
    assert [a["subject"] for a in client.get(url).json()] == ["CSTF-FIRE", "CSTF-IG"]
    refused = client.post(url, {"subject": "CSTF-IG"}, format="json")
    assert refused.status_code == 400 and "badge_class" in refused.json()["error"]["fields"]
    assert client.delete(f"{url}{created.json()['id']}/").status_code == 204
    assert Acceptance.objects.count() == 1


def test_another_organisations_admin_finds_nothing(org_a, org_b_admin, accepts_ig):
    client = api(org_b_admin)
    base = f"/api/v1/organisations/{org_a.slug}/passport/"
    assert client.get(f"{base}acceptances/").status_code == 404
    assert client.delete(f"{base}acceptances/{accepts_ig.pk}/").status_code == 404
    assert client.get(f"{base}compliance/").status_code == 404
    assert Acceptance.objects.exists()


def test_compliance_is_paginated_json(org_a, org_admin, accepts_ig, award, ig_badge, trainee):
    award(ig_badge, trainee)
    member(org_a, Role.TRAINEE, full_name="Dr Zed")
    body = api(org_admin).get(f"/api/v1/organisations/{org_a.slug}/passport/compliance/").json()
    assert body["count"] == 2
    statuses = {r["trainee"]["email"]: r["subjects"][0]["status"] for r in body["results"]}
    assert statuses[trainee.email] == "met" and sorted(statuses.values()) == ["met", "missing"]
