"""Throttles and login rate limits count the real client, whatever X-Forwarded-For says.

NUM_PROXIES is the number of reverse proxies in front of the site. With none (the default)
the client is REMOTE_ADDR and X-Forwarded-For is ignored; with one, it is the rightmost
X-Forwarded-For address, the one that proxy appended. DRF reads NUM_PROXIES from
REST_FRAMEWORK and allauth from ALLAUTH_TRUSTED_PROXY_COUNT; settings.py sets both from it.
"""

import itertools

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config import settings as project_settings
from tests.api.conftest import assert_error, token_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# An endpoint anonymous callers may use. The others answer 401 before any throttle runs
# (DRF checks permissions before throttles), so anonymous throttling shows here.
SCHEMA = "/api/schema/"
JSON = {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}
RATE = 3

forged = (f"198.51.100.{n}" for n in itertools.count(1))


def behind(proxies: int):
    """Settings for a site behind this many proxies, as settings.py derives them from
    NUM_PROXIES. Built when called, so that it extends the settings in force then."""
    return override_settings(
        NUM_PROXIES=proxies,
        ALLAUTH_TRUSTED_PROXY_COUNT=proxies,
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies},
    )


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    """Three requests a minute, and no proxy unless a test says otherwise. DRF reloads
    api_settings when REST_FRAMEWORK changes, but each throttle class copied
    DEFAULT_THROTTLE_RATES when it was defined, so the class attribute must change too."""
    rates = {"anon": f"{RATE}/min", "user": f"{RATE}/min"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)
    with (
        override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        ),
        behind(0),
    ):
        yield


@pytest.fixture
def behind_one_proxy():
    with behind(1):
        yield


def anonymous_get(client, **headers):
    return client.get(SCHEMA, **JSON, **headers)


def test_the_proxy_settings_agree():
    """DRF and allauth are both told the one NUM_PROXIES (read here from the settings
    module itself, since the fixture above overrides the live settings)."""
    assert project_settings.REST_FRAMEWORK["NUM_PROXIES"] == project_settings.NUM_PROXIES
    assert project_settings.ALLAUTH_TRUSTED_PROXY_COUNT == project_settings.NUM_PROXIES


# --- No proxy: REMOTE_ADDR is the client -------------------------------------------------------


def test_a_forged_forwarded_for_does_not_escape_the_anonymous_throttle():
    client = APIClient(REMOTE_ADDR="203.0.113.10")
    for _ in range(RATE):
        assert anonymous_get(client, HTTP_X_FORWARDED_FOR=next(forged)).status_code == 200

    response = anonymous_get(client, HTTP_X_FORWARDED_FOR=next(forged))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_each_real_address_has_its_own_allowance():
    for _ in range(RATE):
        anonymous_get(APIClient(REMOTE_ADDR="203.0.113.10"))
    assert anonymous_get(APIClient(REMOTE_ADDR="203.0.113.10")).status_code == 429
    assert anonymous_get(APIClient(REMOTE_ADDR="203.0.113.11")).status_code == 200


def test_unknown_api_addresses_are_throttled_too():
    client = APIClient(REMOTE_ADDR="203.0.113.10")
    for _ in range(RATE):
        assert_error(client.get("/api/v1/nope/", HTTP_X_FORWARDED_FOR=next(forged)), 404)
    assert_error(client.get("/api/v1/nope/", HTTP_X_FORWARDED_FOR=next(forged)), 429, "throttled")


# --- One proxy: the rightmost X-Forwarded-For address is the client -------------------------------


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_one_proxy_the_rightmost_address_is_the_client():
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")  # every request arrives from the proxy
    for _ in range(RATE):
        # The client forges the left part; the proxy appends the address it saw.
        response = anonymous_get(proxy, HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.10")
        assert response.status_code == 200

    throttled = anonymous_get(proxy, HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.10")
    assert throttled.status_code == 429

    # Another client behind the same proxy is not held up by the first.
    other = anonymous_get(proxy, HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.11")
    assert other.status_code == 200


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_one_proxy_the_proxys_own_address_is_not_the_key():
    """Were REMOTE_ADDR (the proxy) the key, every client would share one allowance."""
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    for n in range(RATE * 3):
        response = anonymous_get(proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 20}")
        assert response.status_code == 200


# --- Signed-in callers are counted per user -----------------------------------------------------


def test_token_callers_are_throttled_per_user_wherever_they_call_from(
    trainee, other_trainee, make_token
):
    _, secret = make_token(trainee)
    _, other_secret = make_token(other_trainee)
    for n in range(RATE):
        response = token_client(secret).get("/api/v1/me/", REMOTE_ADDR=f"203.0.113.{n + 1}")
        assert response.status_code == 200

    response = token_client(secret).get("/api/v1/me/", REMOTE_ADDR="203.0.113.99")

    assert_error(response, 429, "throttled")
    assert token_client(other_secret).get("/api/v1/me/").status_code == 200


# --- allauth's login rate limits ------------------------------------------------------------------


def failed_login(client, email, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": "wrong-password"}, **headers
    )


TOO_MANY = "Too many failed login attempts"


def test_failed_logins_from_one_address_are_limited_whatever_forwarded_for_says(trainee):
    """ACCOUNT_RATE_LIMITS: login_failed 10/m/ip (and 5 per email), login 30/m/ip."""
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = []
    for n in range(40):
        # A different email each time, so only the per-address limit can apply.
        response = failed_login(client, f"guess{n}@example.org", HTTP_X_FORWARDED_FOR=next(forged))
        statuses.append((response.status_code, TOO_MANY in response.content.decode()))
        if response.status_code == 429:
            break

    assert statuses[:10] == [(200, False)] * 10
    assert statuses[10] == (200, True)  # the 11th failure in a minute is refused unchecked
    assert statuses[-1][0] == 429
    assert len(statuses) <= 31

    # Even the right password is not tried from that address now.
    response = client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_for_one_email_are_limited(trainee):
    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(5):
        response = failed_login(client, trainee.email)
        assert TOO_MANY not in response.content.decode()
    assert TOO_MANY in failed_login(client, trainee.email).content.decode()

    # The right password from the same address is refused too, until the window passes.
    response = client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_another_address_is_not_blocked_by_the_first(db):
    for n in range(11):
        failed_login(Client(REMOTE_ADDR="203.0.113.10"), f"guess{n}@example.org")
    user = UserFactory()
    response = Client(REMOTE_ADDR="203.0.113.11").post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.wsgi_request.user == user


@pytest.mark.usefixtures("behind_one_proxy")
def test_behind_one_proxy_allauth_counts_the_rightmost_forwarded_address(db):
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(10):
        failed_login(
            proxy, f"guess{n}@example.org", HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.10"
        )
    blocked = failed_login(
        proxy, "another@example.org", HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.10"
    )
    assert TOO_MANY in blocked.content.decode()

    other = failed_login(
        proxy, "another@example.org", HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.11"
    )
    assert other.status_code == 200
    assert TOO_MANY not in other.content.decode()
