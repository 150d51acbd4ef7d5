"""Support staff can see apps in the admin, but change nothing and see no token."""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory
from tests.helpers import sign_in_as_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client):
    sign_in_as_staff(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def test_an_app_is_shown_without_its_secret_and_cannot_be_changed(support, register):
    application, secret = register(name="Rota Planner")

    page = support.get(reverse("admin:oauth2_provider_application_change", args=[application.pk]))

    assert page.status_code == 200
    assert application.client_id in page.content.decode()
    assert application.client_secret not in page.content.decode()
    assert support.get(reverse("admin:oauth2_provider_application_add")).status_code == 403
    deleted = support.post(
        reverse("admin:oauth2_provider_application_delete", args=[application.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403


@pytest.mark.parametrize("model", ["accesstoken", "refreshtoken", "grant", "idtoken"])
def test_tokens_have_no_admin_pages(model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:oauth2_provider_{model}_changelist")
