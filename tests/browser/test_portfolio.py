"""The portfolio on a phone, in a real Chromium: a trainee logs some learning, maps it to the
curriculum, adds a photo and asks for sign-off; their supervisor signs it off; the trainee's
coverage shows it. Along the way: no Content-Security-Policy violations or script errors, no
sideways scrolling, axe-core finding nothing, and the edit page's htmx autosave saving."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from PIL import Image

from accounts.models import User
from curriculum import selectors as curriculum_selectors
from portfolio import coverage
from portfolio.models import Evidence, LearningEntry
from tests.browser.conftest import (
    PHONE,
    SUPERVISOR_EMAIL,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_csp_violations,
    describe_violations,
    expect,
    open_path,
    run_axe,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR = "Dr Daniel Hughes"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Evidence files go to this test's own directory. The model's file fields took their
    storage when the model class was made, so they are pointed at it directly; the live
    server runs in this process, so it writes there too."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storage)
    return tmp_path / "private"


@pytest.fixture
def photo(tmp_path):
    """A JPEG as a phone might take it, though smaller."""
    path = tmp_path / "ward-round-whiteboard.jpg"
    image = Image.new("RGB", (640, 480), "white")
    image.paste((0, 94, 184), (0, 0, 320, 480))
    image.save(path, "JPEG", quality=85)
    return path


# --- Checks -------------------------------------------------------------------------------------


class AxeReport:
    """Runs axe-core on each page it is shown and fails once, at the end, with everything it
    found, so one run names every page with a problem."""

    def __init__(self):
        self.problems = []

    def check(self, page, where):
        violations = run_axe(page)
        if violations:
            found = describe_violations(violations)
            self.problems.append(f"axe found problems on {where}:\n{found}")

    def assert_clean(self):
        assert not self.problems, "\n\n".join(self.problems)


def no_check(page, where):
    pass


# --- Steps --------------------------------------------------------------------------------------


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def coverage_rows(email=TRAINEE_EMAIL):
    """The trainee's coverage of each FPC, by code, as the coverage selector gives it."""
    trainee = User.objects.get(email=email)
    programme = curriculum_selectors.programmes_of_trainee(trainee).get()
    rows = coverage.coverage(trainee=trainee, programme=programme)
    return {child.item.code: child for row in rows for child in row.children}


def two_fpcs_not_met():
    """Two FPCs the demo trainee has not met yet, the ones not started first."""
    rows = coverage_rows()
    order = {"not_started": 0, "partly": 1}
    candidates = sorted(
        (row for row in rows.values() if row.status in order),
        key=lambda row: (order[row.status], row.item.position),
    )
    assert len(candidates) >= 2, "the demo trainee has met nearly every FPC already"
    return candidates[:2]


def tile(page, code):
    return page.locator(".coverage-grid > li.tile").filter(
        has=page.locator(".tile-code", has_text=re.compile(rf"^{code}$"))
    )


def log_learning(page, title, check=no_check):
    """From the dashboard: the quick log, then on to the edit page."""
    page.get_by_role("main").get_by_role("link", name="Log learning").click()
    expect(page).to_have_url(re.compile(r"/entries/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log learning")
    check(page, "the log-learning page")
    screenshot(page, "portfolio-log-learning-phone")
    assert_fits_phone(page)

    # The date starts at today. A date input takes only an ISO date (2026-01-31); given the
    # en-GB "31/01/2026" the browser shows it empty, and the entry cannot be saved.
    date = page.get_by_label("Date")
    expect(date, "the date input is not given an ISO date").to_have_value(
        timezone.localdate().isoformat()
    )
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    page.get_by_label("What kind of learning?").select_option(label="Teaching session attended")
    page.get_by_label("Title").fill(title)
    date.fill(yesterday)
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/entries/\d+/edit/$"))
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_label("Date")).to_have_value(yesterday)


def map_items(page, items, check=no_check):
    """On the edit page: open the item picker, tick the items, save."""
    picker = page.locator("details.item-picker")
    picker.locator("summary").click()
    expect(picker).to_have_attribute("open", "")
    for item in items:
        page.get_by_label(f"{item.code} {item.title}", exact=True).check()
    check(page, "the edit page with the item picker open")
    screenshot(page, "portfolio-edit-phone")
    assert_fits_phone(page)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/entries/\d+/$"))
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    for item in items:
        expect(page.locator(".facts")).to_contain_text(f"{item.code} {item.title}")


def add_photo(page, photo, check=no_check):
    """On the entry page: attach a photo and see it listed with its thumbnail."""
    page.get_by_text("Add a photo, file or link").click()
    page.get_by_label(re.compile(r"^File:?$")).set_input_files(photo)
    page.get_by_label("Title").fill("Ward round whiteboard")
    check(page, "the entry page with the evidence form open")
    screenshot(page, "portfolio-evidence-form-phone")
    assert_fits_phone(page)
    page.get_by_role("button", name="Add evidence").click()

    expect(page.get_by_text("Evidence added.")).to_be_visible()
    evidence = page.locator(".evidence-list > li")
    expect(evidence).to_have_count(1)
    expect(evidence.get_by_role("link", name="Ward round whiteboard", exact=True)).to_be_visible()
    assert_thumbnail_shown(page)


def assert_thumbnail_shown(page):
    """The photo's thumbnail (made by the Celery task, run eagerly in tests) loads and is
    decoded, so that it is in a screenshot too."""
    thumbnail = page.locator(".evidence-list img.thumb")
    expect(thumbnail).to_be_visible()
    width = thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
    assert width > 0, "the thumbnail did not load"


def ask_for_sign_off(page, supervisor=SUPERVISOR):
    page.get_by_label("Send to").select_option(label=f"{supervisor} ({SUPERVISOR_EMAIL})")
    page.get_by_role("button", name="Ask for sign-off").click()
    expect(page.get_by_text(f"Sent to {supervisor} for sign-off.")).to_be_visible()
    expect(page.locator("h1 + p .badge")).to_have_text("Awaiting sign-off")


def supervisor_opens_entry(page, title, check=no_check):
    sign_in(page, email=SUPERVISOR_EMAIL)
    main_nav(page).get_by_role("link", name="Sign-off", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-off requests")
    check(page, "the sign-off queue")
    screenshot(page, "portfolio-sign-off-queue-phone")
    assert_fits_phone(page)
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("button", name="Sign off", exact=True)).to_be_visible()
    check(page, "the entry page as the supervisor sees it, with the decision form")
    screenshot(page, "portfolio-decision-phone")
    assert_fits_phone(page)


# --- The journey --------------------------------------------------------------------------------


def test_trainee_logs_learning_and_supervisor_signs_it_off_on_a_phone(demo_data, new_page, photo):
    title = "Grand round: sepsis in the older patient"
    chosen = two_fpcs_not_met()
    before = coverage_rows()
    trainee = new_page(viewport=PHONE, bypass_csp=False)

    sign_in(trainee)
    expect(trainee).to_have_url(re.compile(r"/dashboard/$"))
    screenshot(trainee, "portfolio-dashboard-phone")
    assert_fits_phone(trainee)
    main_nav(trainee).get_by_role("link", name="Coverage", exact=True).click()
    for row in chosen:
        expect(tile(trainee, row.item.code).locator(".tile-status")).to_have_text(row.status_label)
    coverage_url = trainee.url
    before_text = {row.item.code: tile(trainee, row.item.code).inner_text() for row in chosen}
    main_nav(trainee).get_by_role("link", name="Dashboard", exact=True).click()

    log_learning(trainee, title)
    map_items(trainee, [row.item for row in chosen])
    assert_fits_phone(trainee)
    add_photo(trainee, photo)
    ask_for_sign_off(trainee)
    assert_thumbnail_shown(trainee)
    screenshot(trainee, "portfolio-entry-phone")
    assert_fits_phone(trainee)
    assert_no_csp_violations(trainee)

    supervisor = new_page(viewport=PHONE, bypass_csp=False)
    supervisor_opens_entry(supervisor, title)
    supervisor.get_by_role("button", name="Sign off", exact=True).click()
    expect(supervisor.get_by_text(f"You signed off “{title}”.")).to_be_visible()
    expect(supervisor.locator(".signoff")).to_contain_text(f"Signed off by {SUPERVISOR}")
    screenshot(supervisor, "portfolio-signed-off-phone")
    assert_fits_phone(supervisor)
    assert_no_csp_violations(supervisor)

    open_path(trainee, coverage_url)
    after = coverage_rows()
    for row in chosen:
        code = row.item.code
        assert after[code].signed_off == before[code].signed_off + 1
        assert after[code].mapped == before[code].mapped + 1
        assert after[code].status == "met"
        shown = tile(trainee, code)
        expect(shown).to_have_class(re.compile(r"\bstatus-met\b"))
        expect(shown.locator(".tile-status")).to_have_text("Met")
        expect(shown.locator(".tile-counts")).to_contain_text(
            f"{after[code].mapped} mapped · {after[code].signed_off} signed off"
        )
        assert shown.inner_text() != before_text[code]
    entry = LearningEntry.objects.get(title=title)
    assert entry.status == "signed_off"
    assert_fits_phone(trainee)
    assert_no_csp_violations(trainee)


# --- Accessibility ------------------------------------------------------------------------------


def test_portfolio_pages_pass_axe_on_a_phone(demo_data, new_page, photo):
    title = "Simulation: the acutely unwell patient"
    chosen = two_fpcs_not_met()
    axe = AxeReport()
    trainee = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(trainee)
    expect(trainee).to_have_url(re.compile(r"/dashboard/$"))
    axe.check(trainee, "the dashboard")

    main_nav(trainee).get_by_role("link", name="Entries", exact=True).click()
    expect(trainee.get_by_role("heading", level=1)).to_have_text("Your entries")
    trainee.get_by_text("Search and filter").click()
    expect(trainee.get_by_label("Search")).to_be_visible()
    axe.check(trainee, "the entries list with the filters open")
    trainee.get_by_label("Kind").select_option(label="Teaching session attended")
    trainee.get_by_role("button", name="Show entries").click()
    expect(trainee).to_have_url(re.compile(r"kind=teaching_attended"))
    expect(trainee.get_by_role("link", name="Clear")).to_be_visible()
    axe.check(trainee, "the entries list, filtered")
    screenshot(trainee, "portfolio-entries-filtered-phone")
    assert_fits_phone(trainee)

    log_learning(trainee, title, check=axe.check)
    map_items(trainee, [row.item for row in chosen], check=axe.check)
    add_photo(trainee, photo, check=axe.check)
    axe.check(trainee, "the entry page with its evidence")
    ask_for_sign_off(trainee)
    axe.check(trainee, "the entry page, awaiting sign-off")

    supervisor = new_page(viewport=PHONE, bypass_csp=True)
    supervisor_opens_entry(supervisor, title, check=axe.check)
    supervisor.get_by_role("button", name="Sign off", exact=True).click()
    expect(supervisor.locator(".signoff")).to_contain_text("Signed off by")
    axe.check(supervisor, "the entry page, signed off")

    axe.assert_clean()


# --- Autosave -----------------------------------------------------------------------------------


def test_edit_page_saves_a_draft_as_the_trainee_types(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=False)
    sign_in(page)
    log_learning(page, "Bedside teaching: chest X-rays")
    edit_url = page.url
    location = page.get_by_label("Location")
    status = page.locator("#autosave-status[role=status]")
    expect(status).to_have_text("")
    # A live region is announced when its text changes, not when it is swapped for a new one.
    status.evaluate("element => { element.waymarkOriginal = true; }")

    # Typing, without leaving the field, is enough.
    location.press_sequentially("Ward 7, radiology", delay=30)

    expect(status).to_contain_text("Draft saved at", timeout=8_000)
    expect(location).to_be_focused()
    assert status.evaluate("element => element.waymarkOriginal === true"), (
        "the autosave replaced the status element instead of its text"
    )
    entry = LearningEntry.objects.get(title="Bedside teaching: chest X-rays")
    assert entry.location == "Ward 7, radiology"
    open_path(page, edit_url)
    expect(page.get_by_label("Location")).to_have_value("Ward 7, radiology")
    assert_no_csp_violations(page)
