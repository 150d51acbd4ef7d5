"""A third-party app, using Authlib as a real client would, connects to a trainee's
portfolio against the live server: authorization with PKCE, consent, code exchange, API
calls, refresh with rotation, and revocation."""

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError

from audit.models import AuditEntry
from integrations.models import Connection
from tests.factories import LearningEntryFactory
from tests.integrations.conftest import consent, oauth_client, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def urls(live_server):
    base = live_server.url
    return {
        "base": base,
        "authorize": f"{base}/oauth/authorize/",
        "token": f"{base}/oauth/token/",
        "revoke": f"{base}/oauth/revoke/",
        "events": f"{base}/api/v1/events/",
        "awards": f"{base}/api/v1/awards/",
    }


def authorize(client, urls, person_session, **extra):
    """Start the authorization with a fresh PKCE verifier, consent, and return the
    redirect back to the app and the verifier."""
    verifier = secrets.token_urlsafe(48)
    url, _state = client.create_authorization_url(
        urls["authorize"], code_verifier=verifier, **extra
    )
    answer, _page = consent(person_session, url)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"], verifier


def test_an_app_connects_reads_entries_refreshes_and_is_revoked(urls, register, trainee):
    mine = LearningEntryFactory(trainee=trainee, title="Sepsis teaching")
    LearningEntryFactory(title="Someone else's entry")
    application, secret = register()
    client = oauth_client(application, secret, scope="entries:read profile")
    person = signed_in(urls["base"], trainee)

    callback, verifier = authorize(client, urls, person)
    token = client.fetch_token(
        urls["token"], authorization_response=callback, code_verifier=verifier
    )

    assert set(token["scope"].split()) == {"entries:read", "profile"}
    listed = client.get(urls["events"])
    assert listed.status_code == 200, listed.text
    assert [entry["id"] for entry in listed.json()["results"]] == [mine.pk]
    connection = Connection.objects.get(user=trainee, application=application)
    assert connection.last_used_at is not None
    assert AuditEntry.objects.filter(action="grant_oauth_app", actor_id=trainee.pk).count() == 1

    # Refresh: a new pair, and the old refresh token no longer works (rotation).
    old = dict(token)
    new = client.refresh_token(urls["token"])
    assert new["refresh_token"] != old["refresh_token"]
    assert new["access_token"] != old["access_token"]
    assert client.get(urls["events"]).status_code == 200
    # Refreshing is not a new grant.
    assert AuditEntry.objects.filter(action="grant_oauth_app").count() == 1

    # Revocation (RFC 7009): the access token then gets 401.
    revoked = client.revoke_token(urls["revoke"], token=new["access_token"])
    assert revoked.status_code == 200
    after = client.get(urls["events"])
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "authentication_failed"
    assert AuditEntry.objects.filter(action="revoke_oauth_token").exists()

    replay = requests.post(
        urls["token"],
        data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]},
        auth=(application.client_id, secret),
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_a_token_without_the_scope_gets_403_naming_it(urls, register, trainee):
    LearningEntryFactory(trainee=trainee)
    application, secret = register()
    client = oauth_client(application, secret, scope="badges:read")
    callback, verifier = authorize(client, urls, signed_in(urls["base"], trainee))
    client.fetch_token(urls["token"], authorization_response=callback, code_verifier=verifier)

    assert client.get(urls["awards"]).status_code == 200
    refused = client.get(urls["events"])

    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "insufficient_scope"
    assert "entries:read" in error["message"]


def test_an_authorization_without_pkce_is_refused(urls, register, trainee):
    application, secret = register()
    client = oauth_client(application, secret, scope="profile")
    client.code_challenge_method = None
    url, _ = client.create_authorization_url(urls["authorize"])
    assert "code_challenge" not in url

    answer = signed_in(urls["base"], trainee).get(url, allow_redirects=False)

    # The error goes back to the app, with no code in it.
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "code" not in query


def test_the_plain_pkce_method_is_refused(urls, register, trainee):
    application, secret = register()
    verifier = secrets.token_urlsafe(48)
    client = oauth_client(application, secret, scope="profile")
    client.code_challenge_method = "plain"
    url, _ = client.create_authorization_url(urls["authorize"], code_verifier=verifier)

    answer = signed_in(urls["base"], trainee).get(url, allow_redirects=False)

    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert "code" not in query and query["error"]


def test_a_public_client_has_no_secret_and_still_completes_the_dance(urls, register, trainee):
    application, secret = register(public=True)
    assert secret is None and application.client_secret == ""
    LearningEntryFactory(trainee=trainee)
    client = oauth_client(application, None, scope="entries:read")

    callback, verifier = authorize(client, urls, signed_in(urls["base"], trainee))
    client.fetch_token(urls["token"], authorization_response=callback, code_verifier=verifier)

    assert client.get(urls["events"]).status_code == 200


def test_a_code_is_refused_without_its_verifier(urls, register, trainee):
    application, secret = register()
    client = oauth_client(application, secret, scope="profile")
    callback, _verifier = authorize(client, urls, signed_in(urls["base"], trainee))

    with pytest.raises(OAuthError) as refused:
        client.fetch_token(
            urls["token"], authorization_response=callback, code_verifier=secrets.token_urlsafe(48)
        )

    assert refused.value.error == "invalid_grant"
