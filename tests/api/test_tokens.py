"""Personal access tokens: made on the account page behind re-authentication, shown once,
stored as a digest, usable against the API until revoked or expired."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.internal.flows import reauthentication
from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import api_auth
from accounts.models import PersonalAccessToken
from tests.api.conftest import assert_error, token_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
TOKENS = "/api/v1/tokens/"
CREATE = "/account/tokens/new/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def sign_in(client: Client, user) -> None:
    """Sign in through allauth's login form, as a person would."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert response.wsgi_request.user == user


def reauthenticate(client: Client, next_url: str = CREATE):
    return client.post(f"{REAUTHENTICATE}?next={next_url}", {"password": PASSWORD})


def create_token(client: Client, name="CI pipeline", expires="30"):
    return client.post(CREATE, {"name": name, "expires": expires})


def secret_from(response) -> str:
    token = response.context["secret"]
    assert token.startswith("wm_")
    assert token in response.content.decode()
    return token


@pytest.fixture
def fresh_client(trainee):
    """A browser that signed in and re-entered its password just now."""
    client = Client()
    sign_in(client, trainee)
    assert reauthenticate(client).status_code == 302
    return client


# --- Re-authentication before creating a token -------------------------------------------------


def test_a_session_with_no_record_of_authentication_is_sent_to_reauthenticate(client, trainee):
    client.force_login(trainee)  # a session, but allauth recorded no authentication in it

    for response in (client.get(CREATE), create_token(client)):
        assert response.status_code == 302
        assert response["Location"] == f"{REAUTHENTICATE}?next={CREATE.replace('/', '%2F')}"
    assert not PersonalAccessToken.objects.exists()


def test_a_session_that_authenticated_long_ago_is_sent_to_reauthenticate(
    client, trainee, monkeypatch
):
    sign_in(client, trainee)
    assert reauthenticate(client).status_code == 302
    assert client.get(CREATE).status_code == 200

    # allauth compares the time of the last re-authentication it recorded in the session
    # with time.time(); move the clock past ACCOUNT_REAUTHENTICATION_TIMEOUT (300s).
    later = time.time() + 301
    monkeypatch.setattr(reauthentication.time, "time", lambda: later)

    response = client.get(CREATE)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert create_token(client)["Location"].startswith(REAUTHENTICATE)
    assert not PersonalAccessToken.objects.exists()


def test_a_password_entered_at_login_long_ago_does_not_count(client, trainee):
    """The record allauth keeps in the session is what is checked: an old one is refused."""
    sign_in(client, trainee)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= 3600
        record["reauthenticated"] = True
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()

    assert client.get(CREATE)["Location"].startswith(REAUTHENTICATE)


def test_after_a_fresh_login_only_the_password_asked_again_unlocks_token_creation(client, trainee):
    """allauth 65.x counts only records made by re-authentication (`reauthenticated: True`),
    so even a login a second ago leads to one password prompt before a token is made."""
    sign_in(client, trainee)
    records = get_authentication_records(client.get(ME).wsgi_request, trainee)
    assert [r["method"] for r in records] == ["password"]
    assert client.get(CREATE)["Location"].startswith(REAUTHENTICATE)

    response = reauthenticate(client)

    assert response.status_code == 302
    assert response["Location"] == CREATE
    assert client.get(CREATE).status_code == 200
    response = create_token(client)
    assert response.status_code == 200
    assert token_client(secret_from(response)).get(ME).status_code == 200


def test_a_wrong_password_at_reauthentication_unlocks_nothing(client, trainee):
    sign_in(client, trainee)
    response = client.post(f"{REAUTHENTICATE}?next={CREATE}", {"password": "not-my-password"})
    assert response.status_code == 200  # the form again, with an error
    assert client.get(CREATE)["Location"].startswith(REAUTHENTICATE)


def test_a_token_post_held_for_reauthentication_is_completed_after_it(client, trainee):
    """allauth suspends the POST that needed re-authentication and replays it afterwards;
    the replay shows the new token."""
    sign_in(client, trainee)
    assert create_token(client, name="Held")["Location"].startswith(REAUTHENTICATE)

    response = reauthenticate(client)

    assert response.status_code == 200
    secret = secret_from(response)
    assert PersonalAccessToken.objects.get().name == "Held"
    assert token_client(secret).get(ME).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (
        CREATE,
        reverse("accounts:account"),
        reverse("accounts:token_revoke", args=["wm_abc"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# --- Creating, showing once, storing a digest ----------------------------------------------------


def test_the_new_token_is_shown_once_and_works(fresh_client, trainee):
    response = create_token(fresh_client, name="CI pipeline", expires="30")

    assert response.status_code == 200
    secret = secret_from(response)
    assert "no-store" in response["Cache-Control"]
    token = PersonalAccessToken.objects.get(user=trainee)
    assert token.name == "CI pipeline"
    assert token.token_key == secret[:15]
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)

    me = token_client(secret).get(ME)
    assert me.status_code == 200
    assert me.json()["email"] == trainee.email

    # Never again: not on the account page, not in the API's list of tokens.
    account = fresh_client.get(reverse("accounts:account"))
    assert secret not in account.content.decode()
    assert secret not in token_client(secret).get(TOKENS).content.decode()


def test_only_a_digest_is_stored(fresh_client, trainee):
    secret = secret_from(create_token(fresh_client))

    row = PersonalAccessToken.objects.filter(user=trainee).values().get()
    for column, value in row.items():
        assert secret not in str(value), column
    assert row["digest"] != secret
    assert len(row["digest"]) == 128  # SHA-512, hex


def test_a_token_that_never_expires(fresh_client, trainee):
    secret = secret_from(create_token(fresh_client, expires="never"))
    assert PersonalAccessToken.objects.get(user=trainee).expiry is None
    assert token_client(secret).get(ME).status_code == 200


@pytest.mark.parametrize("data", [{"name": "", "expires": "30"}, {}], ids=["no-name", "empty"])
def test_an_invalid_form_is_shown_again_with_its_errors(fresh_client, data):
    response = fresh_client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not PersonalAccessToken.objects.exists()


# --- Listing -------------------------------------------------------------------------------------


def test_the_account_page_lists_the_users_tokens_only(client, trainee, other_trainee, make_token):
    mine, _ = make_token(trainee, name="My laptop script")
    theirs, _ = make_token(other_trainee, name="Their script")
    client.force_login(trainee)

    response = client.get(reverse("accounts:account"))

    page = response.content.decode()
    assert "My laptop script" in page
    assert mine.token_key in page
    assert reverse("accounts:token_revoke", args=[mine.token_key]) in page
    assert "Their script" not in page
    assert theirs.token_key not in page


def test_the_account_page_marks_expired_tokens(client, trainee, make_token):
    token, _ = make_token(trainee, name="Old one")
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - timedelta(days=1)
    )
    client.force_login(trainee)
    assert "Expired" in client.get(reverse("accounts:account")).content.decode()


def test_the_api_lists_the_callers_tokens_without_secrets(
    api_client, trainee, other_trainee, make_token
):
    mine, secret = make_token(trainee, name="Mine")
    make_token(other_trainee, name="Theirs")
    api_client.force_login(trainee)

    response = api_client.get(TOKENS)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [t["name"] for t in results] == ["Mine"]
    assert set(results[0]) == {"token_key", "name", "created", "expiry", "last_used_at"}
    assert results[0]["token_key"] == mine.token_key
    assert "digest" not in response.content.decode()
    assert secret not in response.content.decode()


# --- Revoking -------------------------------------------------------------------------------------


def test_revoke_in_the_browser_asks_first_then_revokes(client, trainee, make_token):
    token, secret = make_token(trainee, name="Laptop")
    client.force_login(trainee)
    url = reverse("accounts:token_revoke", args=[token.token_key])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Laptop" in confirm.content.decode()
    assert PersonalAccessToken.objects.filter(pk=token.pk).exists()
    assert token_client(secret).get(ME).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    assert not PersonalAccessToken.objects.filter(pk=token.pk).exists()
    assert_error(token_client(secret).get(ME), 401, "authentication_failed")


def test_revoke_through_the_api(api_client, trainee, make_token):
    token, secret = make_token(trainee)
    other, other_secret = make_token(trainee, name="Keep me")
    client = token_client(other_secret)

    response = client.delete(f"{TOKENS}{token.token_key}/")

    assert response.status_code == 204
    assert_error(token_client(secret).get(ME), 401, "authentication_failed")
    assert client.get(ME).status_code == 200


def test_a_token_can_revoke_itself(trainee, make_token):
    token, secret = make_token(trainee)
    client = token_client(secret)
    assert client.delete(f"{TOKENS}{token.token_key}/").status_code == 204
    assert_error(client.get(ME), 401, "authentication_failed")


def test_nobody_sees_or_revokes_another_users_tokens(client, trainee, other_trainee, make_token):
    theirs, their_secret = make_token(other_trainee, name="Theirs")
    _, my_secret = make_token(trainee)
    api = token_client(my_secret)

    assert_error(api.delete(f"{TOKENS}{theirs.token_key}/"), 404, "not_found")
    assert api.get(TOKENS).json()["results"][0]["name"] != "Theirs"

    client.force_login(trainee)
    url = reverse("accounts:token_revoke", args=[theirs.token_key])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404

    assert PersonalAccessToken.objects.filter(pk=theirs.pk).exists()
    assert token_client(their_secret).get(ME).status_code == 200


def test_revoking_a_token_that_does_not_exist_is_a_404_in_the_error_format(api_client, trainee):
    api_client.force_login(trainee)
    error = assert_error(api_client.delete(f"{TOKENS}wm_doesnotexist/"), 404, "not_found")
    assert "fields" not in error


# --- Expiry and use ------------------------------------------------------------------------------


def test_an_expired_token_is_refused(trainee, make_token):
    token, secret = make_token(trainee, expires_in=timedelta(days=1))
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    assert_error(token_client(secret).get(ME), 401, "authentication_failed")


def test_last_used_is_recorded_at_most_once_a_minute(trainee, make_token, monkeypatch):
    token, secret = make_token(trainee)
    assert token.last_used_at is None
    client = token_client(secret)

    client.get(ME)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert timezone.now() - first < timedelta(seconds=10)

    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == first

    later = timezone.now() + api_auth.LAST_USED_RESOLUTION + timedelta(seconds=1)
    monkeypatch.setattr(api_auth.timezone, "now", lambda: later)
    client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_session_calls_do_not_touch_last_used(api_client, trainee, make_token):
    token, _ = make_token(trainee)
    api_client.force_login(trainee)
    api_client.get(ME)
    token.refresh_from_db()
    assert token.last_used_at is None


# --- The create_token command --------------------------------------------------------------------


def test_create_token_command_prints_a_working_token(trainee):
    out, err = StringIO(), StringIO()

    call_command(
        "create_token", "TRAINEE@example.org", "--name", "Nightly import", stdout=out, stderr=err
    )

    secret = out.getvalue().strip()
    assert secret.startswith("wm_")
    assert "\n" not in secret  # stdout holds the token and nothing else
    assert secret not in err.getvalue()
    token = PersonalAccessToken.objects.get(user=trainee)
    assert token.name == "Nightly import"
    assert timedelta(days=89) < token.expiry - timezone.now() <= timedelta(days=90)
    assert token_client(secret).get(ME).json()["email"] == trainee.email


def test_create_token_command_with_no_expiry(trainee):
    call_command("create_token", trainee.email, "--days", "0", stdout=StringIO(), stderr=StringIO())
    assert PersonalAccessToken.objects.get(user=trainee).expiry is None


def test_create_token_command_refuses_an_unknown_email(db):
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("create_token", "nobody@example.org", stdout=StringIO(), stderr=StringIO())
    assert not PersonalAccessToken.objects.exists()


def test_create_token_command_refuses_an_inactive_user(trainee):
    trainee.is_active = False
    trainee.save()
    with pytest.raises(CommandError):
        call_command("create_token", trainee.email, stdout=StringIO(), stderr=StringIO())
