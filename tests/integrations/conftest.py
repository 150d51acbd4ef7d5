"""Fixtures for OAuth tests: registered apps, a browser-like session signed in to the live
server, and the consent form driven over HTTP as a person's browser would."""

import secrets
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from integrations import services
from tests.factories import PASSWORD

REDIRECT_URI = "https://app.example.org/callback"


@pytest.fixture(autouse=True)
def clean_cache():
    """Throttles and allauth's rate limits count in the cache; no test may inherit another
    test's counts."""
    cache.clear()
    yield
    cache.clear()


# HTTP sessions against the live server, closed after each test so that none of the
# server's threads is left waiting on a kept-alive connection when the test database goes.
_sessions: list[requests.Session] = []


def _opened(session):
    _sessions.append(session)
    return session


@pytest.fixture(autouse=True)
def close_http_sessions():
    yield
    while _sessions:
        _sessions.pop().close()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def register(trainee):
    """Register an app through the service, owned by the trainee unless told otherwise."""

    def register(*, owner=None, public=False, grant=services.AUTHORIZATION_CODE, **kwargs):
        owner = owner or trainee
        return services.register_application(
            owner=owner,
            name=kwargs.pop("name", "Rota Planner"),
            redirect_uris=kwargs.pop("redirect_uris", REDIRECT_URI),
            public=public,
            grant=grant,
            actor=kwargs.pop("actor", owner),
            **kwargs,
        )

    return register


class HiddenFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = unescape(attrs.get("value") or "")


def signed_in(base_url: str, user) -> requests.Session:
    """A requests session signed in through the sign-in form, as a browser is."""
    session = _opened(requests.Session())
    login = f"{base_url}/accounts/login/"
    session.get(login)
    response = session.post(
        login,
        data={
            "login": user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return session


def consent(session: requests.Session, authorization_url: str, *, allow: bool = True):
    """Open the consent page and answer it; returns the answer (a redirect to the app)."""
    page = session.get(authorization_url)
    assert page.status_code == 200, page.text
    parser = HiddenFields()
    parser.feed(page.text)
    data = dict(parser.fields)
    if allow:
        data["allow"] = "Authorize"
    return session.post(
        page.url, data=data, headers={"Referer": page.url}, allow_redirects=False
    ), page


def oauth_client(application, secret, *, scope: str, **kwargs) -> OAuth2Session:
    """Authlib's client for the app, as a third party would configure it."""
    return _opened(
        OAuth2Session(
            client_id=application.client_id,
            client_secret=secret,
            scope=scope,
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
            **kwargs,
        )
    )


def obtain_token(application, secret, user, scope: str) -> dict:
    """An access token for `user`, obtained the whole way through the endpoints with
    Django's test client: the person consents, the app redeems the code with PKCE."""
    browser = Client()
    browser.force_login(user)
    verifier = secrets.token_urlsafe(48)
    page = browser.get(
        "/oauth/authorize/",
        {
            "client_id": application.client_id,
            "response_type": "code",
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": "xyz",
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        },
    )
    assert page.status_code == 200, page.content
    fields = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    answer = browser.post("/oauth/authorize/", {**fields, "allow": "Authorize"})
    assert answer.status_code == 302, answer.content
    code = parse_qs(urlsplit(answer["Location"]).query)["code"][0]
    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": application.client_id,
            **({"client_secret": secret} if secret else {}),
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client
