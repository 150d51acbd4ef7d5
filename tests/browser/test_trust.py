"""The network of trust on a phone, in a real Chromium: the demo trainee, just arrived at St
Somewhere Else, opens her passport and sees at a glance what she already carries there; she
opens the page for adding a badge from elsewhere. The second trust's admin reads the
compliance grid and what the trust accepts; the first trust's admin reads the endorsements
page and the endorsed badge's public page. Each passes axe-core at 390 px, without
sideways scrolling."""

import pytest

from badges.models import BadgeClass
from tests.browser.conftest import (
    ADMIN_EMAIL,
    PHONE,
    assert_fits_phone,
    assert_no_axe_violations,
    expect,
    open_path,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECOND_TRUST_ADMIN = "admin2@waymark.example"


def check(page, where: str) -> None:
    screenshot(page, where)
    assert_fits_phone(page)
    assert_no_axe_violations(page, where)


def test_the_trainee_sees_what_she_carries_to_the_new_trust_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Passport").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mandatory-training passport")
    expect(page.get_by_text("New at St Somewhere Else NHS Trust")).to_be_visible()
    expect(page.get_by_text("2 of 11 subjects already covered")).to_be_visible()
    check(page, "passport-phone")

    open_path(page, "/badges/elsewhere/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a badge from elsewhere")
    check(page, "backpack-add-phone")


def test_the_second_trusts_admin_reads_the_grid_and_what_it_accepts(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, SECOND_TRUST_ADMIN)

    open_path(page, "/organisations/st-somewhere-else/passport/compliance/")
    expect(page.get_by_text("Dr Asha Patel")).to_be_visible()
    check(page, "compliance-phone")

    open_path(page, "/organisations/st-somewhere-else/passport/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("St Somewhere Else")
    check(page, "acceptances-phone")


def test_endorsements_read_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, ADMIN_EMAIL)

    open_path(page, "/organisations/elsewhere-deanery/badges/endorsements/")
    expect(page.get_by_text("Meets the CSTF learning outcomes").first).to_be_visible()
    check(page, "endorsements-phone")

    endorsed = BadgeClass.objects.get(slug="st-elsewhere-information-governance")
    open_path(page, f"/badges/classes/{endorsed.pk}/")
    expect(page.get_by_text("Other issuers endorse this badge")).to_be_visible()
    check(page, "endorsed-badge-phone")
