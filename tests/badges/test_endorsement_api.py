"""Endorsements through the API, as on the pages: the endorser's admins list, make and
withdraw them at /organisations/{slug}/issuer/endorsements/ through the same services; a
badge class's standing endorsements are public in its representation."""

import pytest
from rest_framework.test import APIClient

from badges.models import BadgeClass, Endorsement
from badges.services import endorsements
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.badges.endorsing import (
    CLAIM,
    another_endorser,
    college,
    endorse,
    endorsed_class,
    trust_issuer,
)

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache
__all__ = ["college", "endorsed_class", "trust_issuer"]


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def endorsements_url(organisation) -> str:
    return f"/api/v1/organisations/{organisation.slug}/issuer/endorsements/"


def test_an_admin_endorses_a_badge_class(org_b, org_b_admin, college, endorsed_class, settings):
    response = client_for(org_b_admin).post(
        endorsements_url(org_b),
        {"target": f"badge_class:{endorsed_class.pk}", "claim": CLAIM},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    endorsement = Endorsement.objects.get()
    assert body["id"] == endorsement.pk and body["uid"] == str(endorsement.uid)
    assert body["endorser"] == {"id": college.pk, "name": college.name, "url": college.url}
    assert body["target"] == f"badge_class:{endorsed_class.pk}"
    assert body["badge_class"]["slug"] == "journal-club-host" and body["issuer"] is None
    assert body["claim"] == CLAIM and body["withdrawn"] is False
    assert body["document_url"] == f"{settings.SITE_URL}/ob/v2/endorsements/{endorsement.uid}"
    assert body["credential_url"] == f"{settings.SITE_URL}/ob/v3/endorsements/{endorsement.uid}"
    assert body["credential_jwt_url"] == body["credential_url"] + ".jwt"


def test_refusals_name_the_field(org_b, org_b_admin, college, endorsed_class):
    client = client_for(org_b_admin)
    error = assert_error(
        client.post(endorsements_url(org_b), {"target": f"issuer:{college.pk}", "claim": CLAIM}),
        400,
    )
    assert error["fields"] == {"target": ["An issuer cannot endorse itself."]}
    error = assert_error(
        client.post(endorsements_url(org_b), {"target": "badge_class:99999", "claim": CLAIM}), 400
    )
    assert list(error["fields"]) == ["target"]
    error = assert_error(
        client.post(endorsements_url(org_b), {"target": f"badge_class:{endorsed_class.pk}"}), 400
    )
    assert list(error["fields"]) == ["claim"]
    endorse(org_b_admin, college, endorsed_class)
    error = assert_error(
        client.post(
            endorsements_url(org_b),
            {"target": f"badge_class:{endorsed_class.pk}", "claim": "Again."},
        ),
        400,
    )
    assert "already endorses" in error["fields"]["target"][0]
    assert Endorsement.objects.count() == 1


def test_own_badge_classes_are_refused(org_a, org_admin, endorsed_class):
    error = assert_error(
        client_for(org_admin).post(
            endorsements_url(org_a), {"target": f"badge_class:{endorsed_class.pk}", "claim": CLAIM}
        ),
        400,
    )
    assert error["fields"] == {"target": ["An issuer cannot endorse its own badge classes."]}


@pytest.mark.parametrize("who", [None, "org_admin", "trainee"])
def test_only_the_organisations_admins_see_or_endorse(who, request, org_b, college, endorsed_class):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    body = {"target": f"badge_class:{endorsed_class.pk}", "claim": CLAIM}
    expected = 401 if user is None else 404
    assert_error(client.get(endorsements_url(org_b)), expected)
    assert_error(client.post(endorsements_url(org_b), body), expected)
    assert not Endorsement.objects.exists()


def test_an_organisation_without_an_issuer_is_404(org_b, org_b_admin):
    assert_error(client_for(org_b_admin).get(endorsements_url(org_b)), 404)


def test_withdrawing(org_b, org_a, org_b_admin, org_admin, college, endorsed_class):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    url = f"{endorsements_url(org_b)}{endorsement.pk}/withdraw/"
    assert_error(client_for(org_b_admin).post(url, {}), 400)
    # Another organisation's admin finds no such endorsement, through either organisation.
    assert_error(client_for(org_admin).post(url, {"reason": "No."}), 404)
    other = f"{endorsements_url(org_a)}{endorsement.pk}/withdraw/"
    assert_error(client_for(org_admin).post(other, {"reason": "No."}), 404)
    response = client_for(org_b_admin).post(url, {"reason": "The outcomes changed."})
    assert response.status_code == 200
    assert response.json()["withdrawn"] is True
    assert response.json()["withdrawal_reason"] == "The outcomes changed."
    assert_error(client_for(org_b_admin).post(url, {"reason": "Again."}), 409)


def test_the_list_costs_the_same_however_many(
    org_b, org_b_admin, college, trust_issuer, django_assert_num_queries
):
    classes = list(BadgeClass.objects.filter(issuer=trust_issuer).order_by("pk"))
    endorse(org_b_admin, college, classes[0])
    client = client_for(org_b_admin)
    # The organisation, the issuer, the count, the page of endorsements with their targets.
    with django_assert_num_queries(4):
        assert client.get(endorsements_url(org_b)).json()["count"] == 1
    endorse(org_b_admin, college, trust_issuer)
    for badge_class in classes[1:4]:
        endorse(org_b_admin, college, badge_class)
    with django_assert_num_queries(4):
        listed = client.get(endorsements_url(org_b)).json()
    assert listed["count"] == 5
    assert {row["target"] for row in listed["results"]} >= {f"issuer:{trust_issuer.pk}"}


def test_a_badge_class_lists_its_standing_endorsements_publicly(
    org_b_admin, college, endorsed_class, django_assert_num_queries
):
    endorsement = endorse(org_b_admin, college, endorsed_class)
    body = client_for().get(f"/api/v1/badge-classes/{endorsed_class.pk}/").json()
    [shown] = body["endorsements"]
    assert shown["uid"] == str(endorsement.uid)
    assert shown["endorser"]["name"] == "Royal College of Elsewhere"
    assert shown["endorser_standing"] == "Domain not verified."
    assert shown["claim"] == CLAIM
    with django_assert_num_queries(4):
        first = client_for().get("/api/v1/badge-classes/").json()
    for number in range(3):
        issuer, admin = another_endorser(f"Faculty {number}")
        endorse(admin, issuer, endorsed_class)
    with django_assert_num_queries(4):
        again = client_for().get("/api/v1/badge-classes/").json()
    assert first["count"] == again["count"]
    endorsements.withdraw_endorsement(actor=org_b_admin, endorsement=endorsement, reason="Old.")
    body = client_for().get(f"/api/v1/badge-classes/{endorsed_class.pk}/").json()
    assert [e["endorser"]["name"] for e in body["endorsements"]] == [
        "Faculty 0",
        "Faculty 1",
        "Faculty 2",
    ]
