"""Site-wide pages: home, dashboard, error pages and the headers every response carries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db


def test_home_says_what_waymark_is_to_a_visitor(client):
    page = client.get(reverse("home")).content.decode()
    assert "ePortfolio for doctors in training" in page
    assert reverse("account_signup") in page and reverse("account_login") in page


def test_home_tells_each_role_what_to_do_next(client, trainee, supervisor, org_admin):
    client.force_login(trainee)
    page = client.get(reverse("home")).content.decode()
    assert "Log something you learned today" in page
    assert "Invite members" not in page

    client.force_login(supervisor)
    assert "Review the entries your trainees" in client.get(reverse("home")).content.decode()

    client.force_login(org_admin)
    page = client.get(reverse("home")).content.decode()
    assert "Invite members and set up supervision" in page
    assert reverse("accounts:organisation_list") in page  # admins get the Organisations menu


def test_dashboard_shows_supervision_both_ways(client, trainee, supervisor):
    client.force_login(trainee)
    assert escape(str(supervisor)) in client.get(reverse("portfolio:dashboard")).content.decode()
    client.force_login(supervisor)
    assert escape(str(trainee)) in client.get(reverse("portfolio:dashboard")).content.decode()


def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("portfolio:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_missing_page_is_friendly(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_server_error_page_is_friendly_and_needs_no_database(settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {"urlpatterns": [path("broken/", broken)], "handler500": "core.views.server_error"},
    )
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_every_page_carries_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_a_skip_link_and_landmarks(client):
    page = client.get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page and '<nav aria-label="Main">' in page
    assert "<header" in page and "<footer" in page


def test_htmx_is_served_from_our_own_static_files(client):
    page = client.get(reverse("home")).content.decode()
    assert '<script src="/static/js/htmx.min.js"' in page
    assert "https://" not in page.split("<body")[0]  # nothing from a CDN in <head>
