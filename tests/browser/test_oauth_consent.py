"""An app's consent page in a real Chromium: accessible, and allowing the app takes the
browser back to it with a code (the page's form-action policy lets it through), which the
app redeems with its PKCE verifier."""

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from integrations import services
from tests.browser.conftest import DESKTOP, describe_violations, open_path, run_axe, sign_in
from tests.factories import PASSWORD
from tests.integrations.conftest import REDIRECT_URI, oauth_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_and_url(live_server, trainee):
    application, secret = services.register_application(
        owner=trainee,
        name="Rota Planner",
        redirect_uris=REDIRECT_URI,
        public=False,
        actor=trainee,
    )
    client = oauth_client(application, secret, scope="entries:read badges:read")
    verifier = secrets.token_urlsafe(48)
    url, _ = client.create_authorization_url(
        f"{live_server.url}/oauth/authorize/", code_verifier=verifier
    )
    return client, verifier, url


def test_the_consent_page_is_accessible(new_page, trainee, app_and_url):
    _, _, url = app_and_url
    page = new_page(viewport=DESKTOP, bypass_csp=True)
    sign_in(page, trainee.email, PASSWORD)

    open_path(page, url)

    assert page.get_by_role("heading", name="Allow Rota Planner").is_visible()
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_allowing_returns_to_the_app_with_a_code_it_can_redeem(
    new_page, live_server, trainee, app_and_url
):
    client, verifier, url = app_and_url
    page = new_page(viewport=DESKTOP)
    # The app's server is not there; the browser is answered in its place.
    page.route(
        REDIRECT_URI + "*", lambda route: route.fulfill(status=200, body="Connected", headers={})
    )
    sign_in(page, trainee.email, PASSWORD)
    open_path(page, url)

    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(REDIRECT_URI + "*")

    assert not page.watch.csp_violations()
    code = parse_qs(urlsplit(page.url).query)["code"][0]
    token = client.fetch_token(f"{live_server.url}/oauth/token/", code=code, code_verifier=verifier)
    assert client.get(f"{live_server.url}/api/v1/me/").status_code == 403  # no profile scope
    assert set(token["scope"].split()) == {"entries:read", "badges:read"}
