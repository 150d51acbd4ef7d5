"""A badge wallet, using Authlib as a real one would, against the live server: it finds
the Open Badges API's service description, registers itself (RFC 7591), is authorised
with PKCE, lists the trainee's credentials page by page (each of which verifies), sends a
credential issued elsewhere, and reads and changes the trainee's profile."""

import json
import secrets

import pytest
import requests

from badges import demo
from badges.models import BadgeClass, ExternalBadge
from badges.ob3 import verifying
from badges.services import awarding
from integrations.models import RegisteredClient
from integrations.scopes import (
    OB_CREDENTIAL_READ,
    OB_CREDENTIAL_UPSERT,
    OB_PROFILE_READ,
    OB_PROFILE_UPDATE,
)
from tests.badges.did_key_credentials import credential_from_another_issuer, jwt_from_another_issuer
from tests.integrations.conftest import REDIRECT_URI, _opened, consent, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

ALL_OB = f"{OB_CREDENTIAL_READ} {OB_CREDENTIAL_UPSERT} {OB_PROFILE_READ} {OB_PROFILE_UPDATE}"


@pytest.fixture
def base(live_server, settings):
    # The documents name this site by SITE_URL; here that is the live server.
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def three_awards(org_a, enrolled_trainee):
    demo.create_badge_classes(org_a)
    return [
        awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee)
        for badge_class in BadgeClass.objects.order_by("pk")[:3]
    ]


def discover(base: str) -> dict:
    answer = requests.get(f"{base}/ims/ob/v3p0/discovery")
    assert answer.status_code == 200
    return answer.json()


def register(registration_url: str, **metadata) -> requests.Response:
    return requests.post(
        registration_url,
        json={
            "client_name": "Pocket Wallet",
            "client_uri": "https://wallet.example.org",
            "logo_uri": "https://wallet.example.org/logo.png",
            "tos_uri": "https://wallet.example.org/terms",
            "policy_uri": "https://wallet.example.org/privacy",
            "software_id": "pocket-wallet",
            "software_version": "1.4",
            "redirect_uris": [REDIRECT_URI],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": ALL_OB,
            **metadata,
        },
    )


def connect(base: str, trainee, *, scope: str = ALL_OB):
    """Discover, register and be authorised with PKCE: the wallet's Authlib session."""
    from authlib.integrations.requests_client import OAuth2Session

    scheme = discover(base)["components"]["securitySchemes"]["OAuth2ACG"]
    registered = register(scheme["x-imssf-registrationUrl"], scope=ALL_OB)
    assert registered.status_code == 201, registered.text
    flow = scheme["flows"]["authorizationCode"]
    wallet = _opened(
        OAuth2Session(
            client_id=registered.json()["client_id"],
            scope=scope,
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        )
    )
    verifier = secrets.token_urlsafe(48)
    url, _state = wallet.create_authorization_url(flow["authorizationUrl"], code_verifier=verifier)
    answer, _page = consent(signed_in(base, trainee), url)
    assert answer.status_code == 302, answer.text
    wallet.fetch_token(
        flow["tokenUrl"], authorization_response=answer.headers["Location"], code_verifier=verifier
    )
    return wallet


def test_a_wallet_registers_is_authorised_with_pkce_and_lists_the_trainees_credentials(
    base, three_awards, enrolled_trainee, other_trainee, org_a
):
    awarding.award_badge(badge_class=BadgeClass.objects.order_by("pk")[3], recipient=other_trainee)
    wallet = connect(base, enrolled_trainee)

    listed = wallet.get(f"{base}/ims/ob/v3p0/credentials")

    assert listed.status_code == 200, listed.text
    assert listed.headers["X-Total-Count"] == "3"
    body = listed.json()
    assert body["compactJwsStrings"] == []
    assert {c["credentialSubject"]["achievement"]["name"] for c in body["credential"]} == {
        award.badge_class.name for award in three_awards
    }
    for credential in body["credential"]:
        report = verifying.verify(json.dumps(credential), email=enrolled_trainee.email)
        assert report.verified, report.steps


def test_credentials_come_page_by_page_with_links_and_a_total(base, three_awards, enrolled_trainee):
    wallet = connect(base, enrolled_trainee, scope=OB_CREDENTIAL_READ)
    url = f"{base}/ims/ob/v3p0/credentials"

    first = wallet.get(url, params={"limit": 2})
    second = wallet.get(url, params={"limit": 2, "offset": 2})

    assert first.headers["X-Total-Count"] == second.headers["X-Total-Count"] == "3"
    assert len(first.json()["credential"]) == 2 and len(second.json()["credential"]) == 1
    links = requests.utils.parse_header_links(first.headers["Link"])
    by_rel = {link["rel"]: link["url"] for link in links}
    assert set(by_rel) == {"first", "next", "last"}
    assert by_rel["next"] == f"{url}?limit=2&offset=2"
    assert by_rel["last"] == f"{url}?limit=2&offset=2"
    prev = {link["rel"] for link in requests.utils.parse_header_links(second.headers["Link"])}
    assert prev == {"first", "prev", "last"}
    ids = [c["id"] for c in first.json()["credential"] + second.json()["credential"]]
    assert len(set(ids)) == 3

    latest = max(a.credential.issued_at for a in three_awards)
    since = wallet.get(url, params={"since": latest.isoformat()})
    assert since.headers["X-Total-Count"] == "0"
    assert since.json() == {"credential": [], "compactJwsStrings": []}

    bad = wallet.get(url, params={"limit": "none"})
    assert bad.status_code == 400
    minor = bad.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert minor["imsx_codeMinorFieldValue"] == "invalid_query_parameter"


def test_a_credential_from_another_issuer_becomes_a_verified_external_badge(base, enrolled_trainee):
    wallet = connect(base, enrolled_trainee)
    credential = credential_from_another_issuer(enrolled_trainee.email)
    url = f"{base}/ims/ob/v3p0/credentials"

    created = wallet.post(url, json=credential)
    again = wallet.post(url, json=credential)

    assert created.status_code == 201, created.text
    assert created.json() == credential
    assert again.status_code == 304
    [badge] = ExternalBadge.objects.filter(trainee=enrolled_trainee)
    assert (badge.badge_name, badge.issuer_name) == (
        "Simulation faculty",
        "Royal College of Simulation",
    )
    assert badge.verified is True and badge.verified_at is not None
    assert [step["check"] for step in badge.verification] == [
        "Proof",
        "Issuer",
        "Status",
        "Validity",
        "Recipient",
    ]
    assert "Pocket Wallet" in badge.source

    # A credential altered on the way does not verify: refused, with the reason.
    changed = wallet.post(url, json={**credential, "name": "Changed on the way"})
    assert changed.status_code == 400
    assert "Proof: " in changed.text
    badge.refresh_from_db()
    assert badge.verified is True and badge.credential == credential
    # The wallet finds it again among the trainee's credentials.
    assert wallet.get(url).json()["credential"] == [badge.credential]


def test_a_credential_sent_as_a_jwt_comes_back_and_is_listed_as_one(base, enrolled_trainee):
    wallet = connect(base, enrolled_trainee)
    token = jwt_from_another_issuer(enrolled_trainee.email)
    url = f"{base}/ims/ob/v3p0/credentials"

    created = wallet.post(url, data=token, headers={"Content-Type": "text/plain"})

    assert created.status_code == 201, created.text
    assert created.headers["Content-Type"].startswith("text/plain")
    assert created.text == token
    [badge] = ExternalBadge.objects.filter(trainee=enrolled_trainee)
    assert badge.verified is True
    assert badge.credential is None and badge.credential_jwt == token
    assert wallet.get(url).json() == {"credential": [], "compactJwsStrings": [token]}


def test_something_that_is_not_a_credential_is_refused_as_imsx_status_info(base, enrolled_trainee):
    wallet = connect(base, enrolled_trainee)

    refused = wallet.post(
        f"{base}/ims/ob/v3p0/credentials", data="hello", headers={"Content-Type": "text/plain"}
    )

    assert refused.status_code == 400
    info = refused.json()
    assert info["imsx_codeMajor"] == "failure" and info["imsx_severity"] == "error"
    assert "JWT" in info["imsx_description"]
    assert ExternalBadge.objects.count() == 0


def test_the_wallet_reads_and_changes_the_trainees_profile(base, enrolled_trainee):
    wallet = connect(base, enrolled_trainee)
    url = f"{base}/ims/ob/v3p0/profile"

    read = wallet.get(url).json()
    changed = wallet.put(url, json={**read, "name": "Dr Asha Patel-Jones"})
    other_email = wallet.put(url, json={**read, "email": "someone@else.example"})

    assert read["type"] == ["Profile"] and read["email"] == enrolled_trainee.email
    assert read["id"].startswith("urn:uuid:")
    assert changed.status_code == 200
    assert changed.json() == {**read, "name": "Dr Asha Patel-Jones"}
    enrolled_trainee.refresh_from_db()
    assert enrolled_trainee.full_name == "Dr Asha Patel-Jones"
    assert other_email.status_code == 400
    assert "email" in other_email.json()["imsx_description"]


def test_a_token_without_the_scope_gets_403_as_imsx_status_info(base, enrolled_trainee):
    wallet = connect(base, enrolled_trainee, scope=OB_CREDENTIAL_READ)

    profile = wallet.get(f"{base}/ims/ob/v3p0/profile")
    upsert = wallet.post(
        f"{base}/ims/ob/v3p0/credentials",
        json=credential_from_another_issuer(enrolled_trainee.email),
    )

    for refused, scope in ((profile, OB_PROFILE_READ), (upsert, OB_CREDENTIAL_UPSERT)):
        assert refused.status_code == 403
        info = refused.json()
        assert scope in info["imsx_description"]
        minor = info["imsx_codeMinor"]["imsx_codeMinorField"][0]
        assert minor["imsx_codeMinorFieldValue"] == "forbidden"
    assert wallet.get(f"{base}/ims/ob/v3p0/credentials").status_code == 200


def test_without_a_token_the_api_answers_401_with_a_bearer_challenge(base):
    answer = requests.get(f"{base}/ims/ob/v3p0/credentials")

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    minor = answer.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert minor["imsx_codeMinorFieldValue"] == "unauthorizedrequest"


def test_a_registered_app_gets_no_scope_beyond_those_it_registered_for(base, enrolled_trainee):
    from authlib.integrations.requests_client import OAuth2Session

    scheme = discover(base)["components"]["securitySchemes"]["OAuth2ACG"]
    registered = register(scheme["x-imssf-registrationUrl"], scope=OB_CREDENTIAL_READ).json()
    wallet = _opened(
        OAuth2Session(
            client_id=registered["client_id"],
            scope=f"{OB_CREDENTIAL_READ} entries:read",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
        )
    )
    url, _ = wallet.create_authorization_url(
        scheme["flows"]["authorizationCode"]["authorizationUrl"],
        code_verifier=secrets.token_urlsafe(48),
    )

    answer = signed_in(base, enrolled_trainee).get(url, allow_redirects=False)

    assert answer.status_code == 302
    assert "error=invalid_scope" in answer.headers["Location"]
    assert RegisteredClient.objects.get().scope == OB_CREDENTIAL_READ
