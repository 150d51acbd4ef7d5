"""A supervisor looks through a supervised trainee's portfolio on a phone, in a real
Chromium: from their trainees to the trainee's page (its badges card loaded in place by
htmx), the trainee's entries filtered as the trainee filters their own, and a coverage item
followed through to the entries behind it; then the sign-off queue and the page confirming
several sign-offs. No accessibility failures (axe-core at 390 px), Content-Security-Policy
violations, script errors or sideways scrolling on the way."""

import re

import pytest

from accounts.models import User
from portfolio import selectors
from tests.browser.conftest import (
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

TRAINEE = "Dr Asha Patel"


def readable_entries():
    """The demo trainee's entries the demo supervisor may read."""
    supervisor = User.objects.get(email=SUPERVISOR_EMAIL)
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    return selectors.supervised_entries(supervisor, trainee)


def listed_titles(page):
    return page.locator(".entry-list .entry-title").all_inner_texts()


def open_trainee_page(page):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Trainees", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your trainees")
    page.get_by_role("row").filter(has_text=TRAINEE).get_by_role("link", name=TRAINEE).click()
    expect(page).to_have_url(re.compile(r"/trainees/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TRAINEE)
    # The badges card is swapped in from badges' own page once the page has loaded.
    expect(page.locator("#trainee-badges")).to_be_visible()


def test_supervisor_looks_through_a_trainees_portfolio_on_a_phone(demo_data, new_page):
    entries = readable_entries()
    kind = entries.filter(kind="clinic").first() or entries.first()
    wanted = sorted(entries.filter(kind=kind.kind).values_list("title", flat=True))
    page = new_page(viewport=PHONE)
    sign_in(page, email=SUPERVISOR_EMAIL)

    open_trainee_page(page)
    screenshot(page, "supervision-trainee-phone")
    assert_fits_phone(page)

    page.get_by_role("link", name=f"Entries ({entries.count()})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Entries of {TRAINEE}")
    expect(page.get_by_role("status")).to_have_text(f"{entries.count()} entries.")
    page.get_by_text("Search and filter").click()
    page.get_by_label("Kind").select_option(kind.kind)
    page.get_by_role("button", name="Show entries").click()

    count = len(wanted)
    expect(page.get_by_role("status")).to_have_text(
        f"{count} entr{'y' if count == 1 else 'ies'} match{'es' if count == 1 else ''}."
    )
    assert sorted(listed_titles(page)) == wanted
    screenshot(page, "supervision-entries-filtered-phone")
    assert_fits_phone(page)

    page.get_by_role("link", name=f"{TRAINEE}’s portfolio").click()
    mapped = next(
        m for e in selectors.entry_list(entries) for m in e.mappings.all() if m.item.parent_id
    )
    item = mapped.item
    behind_item = selectors.mapped_under(entries, item.pk)
    page.locator(".coverage-grid .tile-code", has_text=re.compile(rf"^{item.code}$")).first.click()

    expect(page).to_have_url(re.compile(rf"/trainees/\d+/entries/\?item={item.pk}$"))
    expect(page.get_by_label("Curriculum item")).to_have_value(str(item.pk))
    expect(page.locator(".entry-list .entry-title")).to_have_count(behind_item.count())
    assert sorted(listed_titles(page)) == sorted(behind_item.values_list("title", flat=True))
    assert_fits_phone(page)
    assert_no_csp_violations(page)


def test_supervision_pages_pass_axe_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, email=SUPERVISOR_EMAIL)

    open_trainee_page(page)
    assert_no_axe_violations(page, "the trainee's portfolio page")

    page.get_by_role("link", name=re.compile(r"^Entries \(\d+\)$")).click()
    page.get_by_text("Search and filter").click()
    assert_no_axe_violations(page, "the trainee's entries")

    open_path(page, "/sign-off/")
    page.get_by_text("Filter requests").click()
    screenshot(page, "supervision-queue-phone")
    assert_no_axe_violations(page, "the sign-off queue")
    assert_fits_phone(page)

    page.locator('input[name="request"]').first.check()
    page.get_by_role("button", name="Sign off the ticked entries…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off 1 entry?")
    screenshot(page, "supervision-confirm-phone")
    assert_no_axe_violations(page, "the confirmation of several sign-offs")
    assert_fits_phone(page)
