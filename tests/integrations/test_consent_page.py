"""The consent page: what the app asks for, in words, and a person's answer."""

from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from integrations.models import Connection
from integrations.scopes import SCOPES
from tests.integrations.conftest import REDIRECT_URI

pytestmark = pytest.mark.django_db

VERIFIER = "v" * 64


def authorize_url(application, scope):
    return "/oauth/authorize/?" + "&".join(
        [
            f"client_id={application.client_id}",
            "response_type=code",
            f"redirect_uri={REDIRECT_URI}",
            f"scope={scope.replace(' ', '+')}",
            "state=abc",
            f"code_challenge={create_s256_code_challenge(VERIFIER)}",
            "code_challenge_method=S256",
        ]
    )


def test_the_page_names_the_app_and_each_scope_in_words(client, register, trainee):
    application, _ = register(name="Rota Planner")
    client.force_login(trainee)

    response = client.get(authorize_url(application, "entries:read badges:read"))

    page = response.content.decode()
    assert "Allow Rota Planner to use your Waymark portfolio?" in page
    assert SCOPES["entries:read"] in page and SCOPES["badges:read"] in page
    assert SCOPES["entries:write"] not in page
    # Allowing redirects the form to the app, which the page's policy must permit.
    assert f"form-action 'self' {REDIRECT_URI}" in response["Content-Security-Policy"]


def test_someone_signed_out_is_asked_to_sign_in_first(client, register):
    application, _ = register()

    response = client.get(authorize_url(application, "profile"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_cancelling_sends_the_app_access_denied_and_connects_nothing(client, register, trainee):
    application, _ = register()
    client.force_login(trainee)
    page = client.get(authorize_url(application, "profile"))
    fields = {k: v for k, v in page.context["form"].initial.items() if v is not None}

    answer = client.post("/oauth/authorize/", fields)

    assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["access_denied"]
    assert not Connection.objects.exists()


def test_an_unknown_scope_is_refused(client, register, trainee):
    application, _ = register()
    client.force_login(trainee)

    answer = client.get(authorize_url(application, "entries:read admin"))

    assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["invalid_scope"]
