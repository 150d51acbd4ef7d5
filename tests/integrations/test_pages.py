"""The developer apps and connected apps pages."""

import pytest
from django.urls import reverse
from oauth2_provider.models import Application

from audit.models import AuditEntry
from integrations.models import Connection, OrganisationApp
from tests.api.conftest import assert_error
from tests.integrations.conftest import REDIRECT_URI, bearer, obtain_token

pytestmark = pytest.mark.django_db

DEVELOPER_APPS = "/account/apps/"
CONNECTED_APPS = "/account/connected-apps/"


def register_form(**fields):
    return {
        "name": "Rota Planner",
        "redirect_uris": REDIRECT_URI,
        "grant": Application.GRANT_AUTHORIZATION_CODE,
        **fields,
    }


def test_the_account_page_links_to_both_pages(client, trainee):
    client.force_login(trainee)

    page = client.get(reverse("accounts:account")).content.decode()

    assert f'href="{DEVELOPER_APPS}"' in page and f'href="{CONNECTED_APPS}"' in page


def test_registering_an_app_shows_its_secret_once(client, trainee):
    client.force_login(trainee)

    response = client.post(DEVELOPER_APPS, register_form())

    application = Application.objects.get(user=trainee)
    secret = response.context["secret"]
    page = response.content.decode()
    assert application.client_id in page and secret in page
    assert application.client_secret != secret  # stored hashed
    assert "no-store" in response["Cache-Control"]
    later = client.get(DEVELOPER_APPS).content.decode()
    assert application.client_id in later and secret not in later
    assert AuditEntry.objects.get(action="register_oauth_app").actor_id == trainee.pk


def test_a_public_client_is_shown_no_secret(client, trainee):
    client.force_login(trainee)

    response = client.post(DEVELOPER_APPS, register_form(public="on"))

    assert response.context["secret"] is None
    assert "Client secret" not in response.content.decode()
    assert Application.objects.get(user=trainee).client_secret == ""


def test_a_plain_http_redirect_is_refused_except_for_localhost(client, trainee):
    client.force_login(trainee)

    refused = client.post(DEVELOPER_APPS, register_form(redirect_uris="http://app.example.org/cb"))
    allowed = client.post(DEVELOPER_APPS, register_form(redirect_uris="http://127.0.0.1:8765/cb"))

    assert "must use https" in refused.context["form"].errors["redirect_uris"][0]
    assert allowed.context["secret"]


def test_an_admin_registers_an_app_for_their_organisation(client, org_admin, org_a):
    client.force_login(org_admin)

    client.post(
        DEVELOPER_APPS,
        register_form(organisation=org_a.pk, grant=Application.GRANT_CLIENT_CREDENTIALS),
    )

    link = OrganisationApp.objects.get(organisation=org_a)
    assert link.application.authorization_grant_type == Application.GRANT_CLIENT_CREDENTIALS
    entry = AuditEntry.objects.get(action="register_oauth_app")
    assert entry.chain == f"organisation:{org_a.pk}"


def test_only_organisations_one_administers_can_be_chosen(client, trainee, org_a, org_b_admin):
    client.force_login(org_b_admin)

    page = client.get(DEVELOPER_APPS)
    response = client.post(DEVELOPER_APPS, register_form(organisation=org_a.pk))

    assert list(page.context["form"].fields["organisation"].queryset) == [
        org_b_admin.memberships.get().organisation
    ]
    assert "organisation" in response.context["form"].errors
    assert not Application.objects.exists()


def test_client_credentials_need_an_organisation(client, trainee):
    client.force_login(trainee)

    response = client.post(
        DEVELOPER_APPS, register_form(grant=Application.GRANT_CLIENT_CREDENTIALS)
    )

    assert "organisation" in response.context["form"].errors["grant"][0]


def test_the_developer_apps_page_costs_the_same_however_many_apps(
    client, org_admin, org_a, register, django_assert_num_queries
):
    client.force_login(org_admin)
    register(owner=org_admin)
    # Session, user, the user's roles (for the menu), the apps, the form's organisations.
    with django_assert_num_queries(5):
        client.get(DEVELOPER_APPS)
    for n in range(3):
        register(owner=org_admin, organisation=org_a, name=f"Sync {n}")
    with django_assert_num_queries(5):
        page = client.get(DEVELOPER_APPS)
    assert page.content.decode().count(org_a.name) >= 3


# --- Connected apps -------------------------------------------------------------------------


@pytest.fixture
def connected(register, trainee):
    application, secret = register(name="Rota Planner")
    token = obtain_token(application, secret, trainee, "entries:read badges:read")
    return application, token


def test_connected_apps_say_what_each_can_do_since_when_and_last_use(client, trainee, connected):
    application, token = connected
    bearer(token["access_token"]).get("/api/v1/events/")
    client.force_login(trainee)

    page = client.get(CONNECTED_APPS).content.decode()

    assert "Rota Planner" in page
    assert "Read your learning entries" in page and "See the badges you have earned" in page
    assert "Add, change and delete" not in page
    assert "Never" not in page  # it has been used


def test_the_connected_apps_page_costs_the_same_however_many_apps(
    client, trainee, register, django_assert_num_queries
):
    client.force_login(trainee)
    with django_assert_num_queries(4):
        client.get(CONNECTED_APPS)
    for n in range(3):
        obtain_token(*register(name=f"App {n}"), trainee, "profile")
    with django_assert_num_queries(4):
        page = client.get(CONNECTED_APPS)
    assert page.content.decode().count("Revoke") == 3


def test_revoking_asks_first_then_ends_the_apps_tokens(client, trainee, connected):
    application, token = connected
    connection = Connection.objects.get(user=trainee)
    client.force_login(trainee)
    url = reverse("integrations:connection_revoke", args=[connection.pk])

    confirm = client.get(url)
    assert "Revoke Rota Planner?" in confirm.content.decode()
    assert bearer(token["access_token"]).get("/api/v1/events/").status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert_error(bearer(token["access_token"]).get("/api/v1/events/"), 401)
    refresh = client.post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": application.client_id,
        },
    )
    assert refresh.status_code in (400, 401)
    assert not Connection.objects.exists()
    entry = AuditEntry.objects.get(action="revoke_oauth_app")
    assert entry.actor_id == trainee.pk and entry.payload["client_id"] == application.client_id


def test_someone_elses_connection_is_a_404(client, other_trainee, connected):
    connection = Connection.objects.get()
    client.force_login(other_trainee)
    url = reverse("integrations:connection_revoke", args=[connection.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Connection.objects.exists()
