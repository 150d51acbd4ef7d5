"""A trainee connects and disconnects e-learning providers on their account, by the page or
the API; only their own connections are theirs to see and end."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from integrations.xapi import services
from integrations.xapi.models import ProviderConnection

PAGE = "/account/providers/"
API = "/api/v1/connected-providers/"


@pytest.fixture
def api(trainee):
    client = APIClient()
    client.force_authenticate(trainee)
    return client


def test_the_account_page_links_to_the_providers_page(client, trainee):
    client.force_login(trainee)
    assert 'href="/account/providers/"' in client.get("/account/").text


def test_a_trainee_connects_a_provider_on_the_page(client, trainee, provider):
    client.force_login(trainee)
    answer = client.post(PAGE, {"organisation": "ward-round-learning"})
    assert answer.status_code == 302
    connection = ProviderConnection.objects.get(user=trainee)
    assert connection.organisation == provider
    page = client.get(PAGE)
    assert "Ward Round Learning" in page.text and "Your verified email" in page.text
    assert AuditEntry.objects.filter(action="connect_xapi_provider").exists()


def test_only_providers_can_be_connected(client, trainee, provider, org_a):
    client.force_login(trainee)
    answer = client.post(PAGE, {"organisation": "org-a"})
    assert answer.status_code == 200
    assert answer.context["form"].errors["organisation"]
    assert not ProviderConnection.objects.exists()


def test_the_page_costs_the_same_however_many_providers(
    client, trainee, provider, other_provider, django_assert_num_queries
):
    client.force_login(trainee)
    client.get(PAGE)
    with django_assert_num_queries(6):
        client.get(PAGE)
    for organisation in (provider, other_provider):
        services.connect_provider(user=trainee, organisation=organisation, actor=trainee)
    with django_assert_num_queries(6):
        page = client.get(PAGE)
    assert "Elsewhere LMS" in page.text


def test_a_trainee_disconnects_a_provider(client, connected_trainee):
    client.force_login(connected_trainee)
    url = PAGE + "ward-round-learning/disconnect/"
    assert "Disconnect Ward Round Learning?" in client.get(url).text
    assert client.post(url).status_code == 302
    assert not ProviderConnection.objects.exists()
    assert client.post(url).status_code == 404


def test_another_persons_connection_is_not_found(client, connected_trainee, other_trainee):
    client.force_login(other_trainee)
    assert client.post(PAGE + "ward-round-learning/disconnect/").status_code == 404
    assert ProviderConnection.objects.filter(user=connected_trainee).exists()


def test_the_api_connects_lists_and_disconnects(api, trainee, provider):
    created = api.post(API, {"organisation": "ward-round-learning"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["organisation"] == "ward-round-learning"
    assert created.json()["organisation_name"] == "Ward Round Learning"
    listed = api.get(API).json()
    assert [c["organisation"] for c in listed["results"]] == ["ward-round-learning"]
    assert api.delete(API + "ward-round-learning/").status_code == 204
    assert not ProviderConnection.objects.exists()
    assert api.delete(API + "ward-round-learning/").status_code == 404


def test_the_api_links_an_account_and_says_which_field_is_wrong(api, provider):
    linked = api.post(
        API,
        {
            "organisation": "ward-round-learning",
            "account_home_page": "https://wardround.example",
            "account_name": "learner-8812",
        },
        format="json",
    )
    assert linked.status_code == 201
    assert ProviderConnection.objects.get().account_name == "learner-8812"
    refused = api.post(API, {"organisation": "org-a"}, format="json")
    assert refused.status_code == 400
    assert "organisation" in refused.json()["error"]["fields"]


def test_the_api_lists_only_the_callers_connections(api, other_trainee, provider):
    services.connect_provider(user=other_trainee, organisation=provider, actor=other_trainee)
    assert api.get(API).json()["results"] == []
    assert api.delete(API + "ward-round-learning/").status_code == 404


def test_an_account_address_without_a_name_is_refused_on_its_field(client, trainee, provider):
    client.force_login(trainee)
    answer = client.post(
        PAGE,
        {"organisation": "ward-round-learning", "account_home_page": "https://wardround.example"},
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors["account_name"] == [
        "Give the account name at that address."
    ]
    assert not ProviderConnection.objects.exists()
