"""The Open Badges API's routes: each operation needs its 1EdTech scope and no other, and
listing credentials costs the same queries however many a trainee holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges import demo
from badges.models import BadgeClass
from badges.services import awarding
from core.api_scopes import declared_scopes
from integrations.ob_api import views
from integrations.scopes import (
    OB_CREDENTIAL_READ,
    OB_CREDENTIAL_UPSERT,
    OB_PROFILE_READ,
    OB_PROFILE_UPDATE,
)
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("view", "method", "scope"),
    [
        (views.CredentialsView, "GET", OB_CREDENTIAL_READ),
        (views.CredentialsView, "POST", OB_CREDENTIAL_UPSERT),
        (views.ProfileView, "GET", OB_PROFILE_READ),
        (views.ProfileView, "PUT", OB_PROFILE_UPDATE),
    ],
)
def test_each_operation_needs_its_own_scope(view, method, scope):
    assert declared_scopes(view(), method) == (scope,)


def test_the_discovery_document_needs_no_token(client):
    assert client.get("/ims/ob/v3p0/discovery").status_code == 200


def test_listing_credentials_costs_the_same_however_many_there_are(
    register, org_a, enrolled_trainee
):
    demo.create_badge_classes(org_a)
    badge_classes = list(BadgeClass.objects.order_by("pk")[:4])
    application, secret = register(public=True)
    api = bearer(
        obtain_token(application, secret, enrolled_trainee, OB_CREDENTIAL_READ)["access_token"]
    )

    def cost(awards: int) -> int:
        for badge_class in badge_classes[:awards]:
            awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
        api.get("/ims/ob/v3p0/credentials")  # signs any credential not yet signed
        with CaptureQueriesContext(connection) as queries:
            answer = api.get("/ims/ob/v3p0/credentials")
        assert answer.status_code == 200
        assert answer["X-Total-Count"] == str(awards)
        return len(queries)

    # The token, its use recorded, awards still unsigned, the two lists of what is held,
    # and the page's credentials.
    assert cost(1) == cost(4) == 6
