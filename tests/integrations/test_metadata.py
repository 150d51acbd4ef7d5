"""The authorization server describes itself at the address RFC 8414 gives it."""

import pytest

from integrations.scopes import SCOPES

pytestmark = pytest.mark.django_db


def test_the_metadata_names_every_endpoint_and_scope(client):
    response = client.get("/.well-known/oauth-authorization-server")

    assert response.status_code == 200
    metadata = response.json()
    assert metadata["authorization_endpoint"] == "http://testserver/oauth/authorize/"
    assert metadata["token_endpoint"] == "http://testserver/oauth/token/"
    assert metadata["revocation_endpoint"] == "http://testserver/oauth/revoke/"
    assert metadata["introspection_endpoint"] == "http://testserver/oauth/introspect/"
    assert metadata["scopes_supported"] == sorted(SCOPES)
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["response_types_supported"] == ["code"]
    assert set(metadata["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
    }


def test_the_api_schema_documents_the_oauth_flows_and_each_operations_scopes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    oauth = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth["flows"]["authorizationCode"]["scopes"] == SCOPES
    entries = schema["paths"]["/api/v1/events/"]
    assert {"oauth2": ["entries:read"]} in entries["get"]["security"]
    assert {"oauth2": ["entries:write"]} in entries["post"]["security"]
    tokens = schema["paths"]["/api/v1/tokens/"]["get"]
    assert not any("oauth2" in requirement for requirement in tokens["security"])
    # Apps refused a scope, or refused an operation closed to them, get a documented 403.
    assert "insufficient_scope" in entries["get"]["responses"]["403"]["description"]
    assert "403" in tokens["responses"]
