"""What a trainee does on a phone, checked in a real Chromium: sign in, see their dashboard,
and meet no accessibility failures, Content-Security-Policy violations or sideways scrolling
on the way."""

import re

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PASSWORD_LABEL,
    PHONE,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_axe_violations,
    assert_no_csp_violations,
    expect,
    open_path,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGNED_OUT_PAGES = ["/", "/accounts/login/", "/accounts/signup/"]


def test_trainee_signs_in_on_a_phone_and_sees_their_dashboard(demo_data, new_page):
    page = new_page(viewport=PHONE)

    sign_in(page)

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Asha")
    screenshot(page, "dashboard-phone")
    assert_fits_phone(page)
    assert_no_csp_violations(page)


def test_wrong_password_shows_an_inline_error(demo_data, new_page):
    page = new_page(viewport=PHONE)

    sign_in(page, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    error = page.get_by_role("alert")
    expect(error).to_contain_text("password you specified are not correct")
    expect(page.get_by_label("Email")).to_have_value(TRAINEE_EMAIL)
    screenshot(page, "sign-in-error-phone")
    assert_fits_phone(page)
    assert_no_csp_violations(page)


@pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
def test_signed_out_pages_fit_a_phone_without_csp_violations(path, live_server, new_page):
    page = new_page(viewport=PHONE)

    open_path(page, path)

    screenshot(page, "phone-" + (path.strip("/").replace("/", "-") or "home"))
    assert_fits_phone(page)
    assert_no_csp_violations(page)


@pytest.mark.parametrize(
    ("path", "viewport"),
    [(path, PHONE) for path in SIGNED_OUT_PAGES] + [("/", DESKTOP)],
    ids=["home-phone", "login-phone", "signup-phone", "home-desktop"],
)
def test_signed_out_pages_pass_axe(path, viewport, live_server, new_page):
    page = new_page(viewport=viewport, bypass_csp=True)
    open_path(page, path)

    assert_no_axe_violations(page, path)


def test_sign_in_error_passes_axe_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, password="not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()

    assert_no_axe_violations(page, "a failed sign-in")


def test_sign_up_errors_pass_axe_on_a_phone(live_server, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    open_path(page, "/accounts/signup/")
    page.get_by_label("Email").fill("new.trainee@example.org")
    page.get_by_label("Full name").fill("Dr New Trainee")
    page.get_by_label(PASSWORD_LABEL).fill("a-long-enough-password")
    page.get_by_label("Password (again)").fill("a-different-password")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    screenshot(page, "sign-up-error-phone")
    assert_fits_phone(page)

    assert_no_axe_violations(page, "a failed sign-up")


def test_dashboard_passes_axe_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    assert_no_axe_violations(page, "the dashboard")
