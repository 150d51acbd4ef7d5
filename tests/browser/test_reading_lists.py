"""Importing a reading list in a real Chromium on a phone: the demo trainee uploads a
Zotero export, checks the preview (which passes axe), leaves one reference out, and finds the
rest among their entries."""

import re
from pathlib import Path

import pytest

from accounts.models import User
from portfolio.models import Kind, LearningEntry
from tests.browser.conftest import (
    PHONE,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_axe_violations,
    expect,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).resolve().parents[1] / "portfolio" / "reading_lists" / "files"


def assert_fits_phone_and_passes_axe(page):
    assert_fits_phone(page)
    assert_no_axe_violations(page, page.url)


def upload(page, name: str):
    page.get_by_role("link", name="Your entries").first.click()
    page.get_by_role("link", name="Import a reading list").click()
    page.get_by_label("Reading list").set_input_files(str(FILES / name))
    page.get_by_role("button", name="Read the file").click()


def test_trainee_previews_a_zotero_export_and_logs_all_but_one(demo_data, new_page):
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    before = LearningEntry.objects.filter(trainee=trainee, kind=Kind.READING).count()
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)

    upload(page, "zotero_20.bib")

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose references to log")
    expect(page.get_by_role("status").first).to_contain_text("Read 20 references")
    screenshot(page, "reading-list-preview-phone")
    assert_fits_phone_and_passes_axe(page)

    page.get_by_label("The Checklist Manifesto: How to Get Things Right").uncheck()
    page.get_by_role("button", name="Log the chosen references").click()

    expect(page.get_by_text("Logged 19 reading entries.")).to_be_visible()
    reading = LearningEntry.objects.filter(trainee=trainee, kind=Kind.READING)
    assert reading.count() == before + 19
    assert not reading.filter(title__startswith="The Checklist Manifesto").exists()
    expect(page.locator(".entry-title").first).to_be_visible()


def test_the_preview_of_a_malformed_file_names_each_record_left_out(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)

    upload(page, "malformed.bib")

    problems = page.locator(".reading-list-problems li")
    expect(problems).to_have_count(4)
    expect(problems.first).to_have_text("Record 2 (smith2020): no title")
    expect(page.get_by_text(re.compile(r"Record 5 \(unclosed2017\)"))).to_be_visible()
    assert_fits_phone_and_passes_axe(page)
