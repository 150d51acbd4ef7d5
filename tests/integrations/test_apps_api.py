"""The developer apps and connected apps pages, through the API: a person registers apps
(the client secret answered once, a public client given none), their organisations' apps as
the page allows, lists the apps they allowed and revokes one. Closed to apps' own tokens;
personal access tokens and sessions use it."""

import pytest
from oauth2_provider.models import Application
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditEntry
from integrations.models import Connection, OrganisationApp
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error, token_client
from tests.conftest import member
from tests.integrations.conftest import REDIRECT_URI, bearer, obtain_token

pytestmark = pytest.mark.django_db

make_token = api_fixtures.make_token

APPS = "/api/v1/apps/"
CONNECTED_APPS = "/api/v1/connected-apps/"


@pytest.fixture
def api_as(make_token):
    """A client with a personal access token of the person's."""

    def api_as(user):
        _, secret = make_token(user)
        return token_client(secret)

    return api_as


def new_app(**fields):
    return {"name": "Rota Planner", "redirect_uris": [REDIRECT_URI], **fields}


def signed_in(user) -> APIClient:
    # Query budgets are counted without a token, whose "last used" is written at most once
    # a minute and so would make the count depend on the clock.
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Developer apps -----------------------------------------------------------------------------


def test_a_confidential_app_is_answered_with_its_secret_once(api_as, trainee):
    api = api_as(trainee)

    response = api.post(APPS, new_app(), format="json")

    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    application = Application.objects.get(user=trainee)
    assert body["client_id"] == application.client_id
    assert (body["public"], body["grant"], body["organisation"]) == (
        False,
        "authorization-code",
        None,
    )
    assert body["redirect_uris"] == [REDIRECT_URI]
    assert body["client_secret"] and application.client_secret != body["client_secret"]
    listed = api.get(APPS).json()["results"]
    assert [a["client_id"] for a in listed] == [application.client_id]
    assert "client_secret" not in listed[0]
    assert AuditEntry.objects.get(action="register_oauth_app").actor_id == trainee.pk


def test_a_public_client_gets_no_secret(api_as, trainee):
    response = api_as(trainee).post(APPS, new_app(public=True), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["client_secret"] is None and response.json()["public"] is True
    assert Application.objects.get(user=trainee).client_secret == ""


def test_an_admin_registers_an_app_for_their_organisation(api_as, org_admin, org_a):
    response = api_as(org_admin).post(
        APPS,
        new_app(name="Rota sync", grant="client-credentials", organisation=org_a.slug),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == org_a.slug
    assert OrganisationApp.objects.get().organisation == org_a


def test_another_admin_of_the_organisation_sees_its_apps_and_nobody_else_does(
    api_as, org_admin, org_a, register, trainee, other_trainee
):
    application, _ = register(owner=org_admin, organisation=org_a, name="Rota sync")
    mine, _ = register(owner=trainee, name="My diary")
    second_admin = member(org_a, Role.ADMIN, email="second.admin@example.org")

    assert [a["id"] for a in api_as(second_admin).get(APPS).json()["results"]] == [application.pk]
    assert [a["id"] for a in api_as(trainee).get(APPS).json()["results"]] == [mine.pk]
    assert api_as(other_trainee).get(APPS).json()["results"] == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"redirect_uris": ["http://app.example.org/cb"]}, "redirect_uris", "must use https"),
        ({"redirect_uris": []}, "redirect_uris", "cannot be empty"),
        ({"redirect_uris": ["http://[::1/cb"]}, "redirect_uris", "not a valid address"),
        ({"redirect_uris": ["https://a.example/ https://b.example/"]}, "redirect_uris", "spaces"),
        ({"grant": "client-credentials"}, "grant", "organisation"),
        ({"grant": "password"}, "grant", "not a valid choice"),
        ({"name": ""}, "name", "blank"),
    ],
)
def test_refusals_name_the_field_as_the_page_does(api_as, trainee, fields, field, message):
    response = api_as(trainee).post(APPS, new_app(**fields), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [field]
    assert message in str(error["fields"][field])
    assert not Application.objects.exists()


def test_only_organisations_one_administers_can_be_named(api_as, org_a, org_b_admin):
    response = api_as(org_b_admin).post(APPS, new_app(organisation=org_a.slug), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["organisation"]
    assert not Application.objects.exists()


def test_a_plain_http_redirect_to_localhost_is_allowed(api_as, trainee):
    response = api_as(trainee).post(
        APPS, new_app(redirect_uris=["http://localhost:8080/cb"], public=True), format="json"
    )

    assert response.status_code == 201, response.content


def test_the_app_list_costs_the_same_however_many(
    org_admin, org_a, register, django_assert_num_queries
):
    api = signed_in(org_admin)
    register(owner=org_admin)
    # The count and the page.
    with django_assert_num_queries(2):
        assert len(api.get(APPS).json()["results"]) == 1
    for n in range(3):
        register(owner=org_admin, organisation=org_a, name=f"Sync {n}")
    with django_assert_num_queries(2):
        assert len(api.get(APPS).json()["results"]) == 4


# --- Connected apps -----------------------------------------------------------------------------


@pytest.fixture
def connected(register, trainee):
    application, secret = register(name="Rota Planner")
    token = obtain_token(application, secret, trainee, "entries:read badges:read")
    return application, token


def test_connected_apps_say_what_each_can_do_since_when_and_last_use(api_as, trainee, connected):
    application, token = connected
    bearer(token["access_token"]).get("/api/v1/events/")

    listed = api_as(trainee).get(CONNECTED_APPS).json()["results"]

    connection = Connection.objects.get(user=trainee)
    assert listed == [
        {
            "id": connection.pk,
            "app": "Rota Planner",
            "client_id": application.client_id,
            "scopes": ["entries:read", "badges:read"],
            "can": [
                "Read your learning entries, their evidence, reflections, sign-offs and coverage.",
                "See the badges you have earned and your progress towards others.",
            ],
            "connected_at": connection.connected_at.isoformat().replace("+00:00", "Z"),
            "last_used_at": connection.last_used_at.isoformat().replace("+00:00", "Z"),
        }
    ]


def test_revoking_ends_the_apps_tokens_and_is_audited(api_as, trainee, connected):
    application, token = connected
    connection = Connection.objects.get(user=trainee)

    response = api_as(trainee).delete(f"{CONNECTED_APPS}{connection.pk}/")

    assert response.status_code == 204
    assert_error(bearer(token["access_token"]).get("/api/v1/events/"), 401)
    assert not Connection.objects.exists()
    entry = AuditEntry.objects.get(action="revoke_oauth_app")
    assert entry.actor_id == trainee.pk and entry.payload["client_id"] == application.client_id
    assert_error(api_as(trainee).delete(f"{CONNECTED_APPS}{connection.pk}/"), 404)


def test_someone_elses_connection_is_not_found(api_as, other_trainee, connected):
    connection = Connection.objects.get()
    api = api_as(other_trainee)

    assert api.get(CONNECTED_APPS).json()["results"] == []
    assert_error(api.delete(f"{CONNECTED_APPS}{connection.pk}/"), 404, "not_found")
    assert_error(api.delete(f"{CONNECTED_APPS}null/"), 404, "not_found")
    assert Connection.objects.exists()


def test_the_connected_app_list_costs_the_same_however_many(
    trainee, register, django_assert_num_queries
):
    api = signed_in(trainee)
    obtain_token(*register(name="App 0"), trainee, "profile")
    with django_assert_num_queries(2):
        assert len(api.get(CONNECTED_APPS).json()["results"]) == 1
    for n in range(1, 4):
        obtain_token(*register(name=f"App {n}"), trainee, "profile")
    with django_assert_num_queries(2):
        assert len(api.get(CONNECTED_APPS).json()["results"]) == 4


# --- Closed to apps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", APPS, None),
        ("post", APPS, new_app()),
        ("get", CONNECTED_APPS, None),
        ("delete", "connection", None),
    ],
)
def test_an_apps_token_opens_none_of_it_whatever_its_scopes(register, trainee, method, url, body):
    every_scope = "profile entries:read entries:write badges:read exports webhooks"
    token = obtain_token(*register(), trainee, every_scope)
    if url == "connection":
        url = f"{CONNECTED_APPS}{Connection.objects.get().pk}/"

    response = getattr(bearer(token["access_token"]), method)(url, body, format="json")

    error = assert_error(response, 403, "insufficient_scope")
    assert "cannot use this endpoint" in error["message"]
    assert Application.objects.count() == 1 and Connection.objects.count() == 1


def test_a_session_works_as_a_token_does(client, trainee):
    client.force_login(trainee)

    response = client.post(APPS, new_app(public=True), content_type="application/json")

    assert response.status_code == 201, response.content
