"""Notifications on a phone, in a real Chromium: the demo trainee sees the unread count in the
navigation (fetched by htmx once the page has loaded), opens a notification, which takes them
to its page and counts one fewer, marks the rest read, and chooses how one kind reaches them.
The list, its empty state and the preferences page (with the supervisors' digest switch) pass
axe-core at 390 px, with no CSP violations, script errors or sideways scrolling."""

import re

import pytest

from accounts.models import User
from notifications.models import Notification
from tests.browser.conftest import (
    ADMIN_EMAIL,
    PHONE,
    SUPERVISOR_EMAIL,
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


def unread_of(email) -> int:
    return Notification.objects.filter(
        recipient=User.objects.get(email=email), in_app=True, read_at__isnull=True
    ).count()


def nav_link(page, unread: int | None):
    name = "Notifications" if not unread else f"Notifications {unread} unread"
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def test_a_trainee_reads_their_notifications_on_a_phone(demo_data, new_page):
    unread = unread_of(TRAINEE_EMAIL)
    assert unread > 1, "the demo trainee's sign-offs and badges should have told them"
    page = new_page(viewport=PHONE)
    sign_in(page)

    expect(nav_link(page, unread)).to_be_visible()
    nav_link(page, unread).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text(f"{unread} unread.")).to_be_visible()
    screenshot(page, "notifications-phone")
    assert_fits_phone(page)

    newest = page.locator(".notification").first
    expect(newest.get_by_text("New", exact=True)).to_be_visible()
    newest.get_by_role("button").click()
    expect(page).not_to_have_url(re.compile(r"/notifications/$"))
    expect(nav_link(page, unread - 1)).to_be_visible()
    assert unread_of(TRAINEE_EMAIL) == unread - 1

    nav_link(page, unread - 1).click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text(f"Marked {unread - 1} notifications read.")).to_be_visible()
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(nav_link(page, None)).to_be_visible()

    page.get_by_role("link", name="Choose how each kind of notification reaches you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.get_by_role("group", name="Your export is ready").get_by_label("In Waymark only").check()
    page.get_by_role("button", name="Save choices").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Your export is ready").get_by_label("In Waymark only")
    ).to_be_checked()
    screenshot(page, "notification-preferences-phone")
    assert_fits_phone(page)
    assert_no_csp_violations(page)


def test_notification_pages_pass_axe_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)
    open_path(page, "/notifications/")
    expect(page.locator(".nav-count")).to_be_visible()
    assert_no_axe_violations(page, "the notifications list")
    open_path(page, "/account/notifications/")
    assert_no_axe_violations(page, "the notification preferences")

    supervisor = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(supervisor, email=SUPERVISOR_EMAIL)
    open_path(supervisor, "/account/notifications/")
    expect(supervisor.get_by_label("Send my Waymark emails as one digest a day")).to_be_visible()
    assert_no_axe_violations(supervisor, "the preferences with the daily digest")
    assert_fits_phone(supervisor)

    nobody_told = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(nobody_told, email=ADMIN_EMAIL)
    open_path(nobody_told, "/notifications/")
    expect(nobody_told.get_by_text("You have no notifications yet.")).to_be_visible()
    assert_no_axe_violations(nobody_told, "the empty notifications list")
    assert_fits_phone(nobody_told)
