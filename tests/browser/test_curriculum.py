"""The curriculum in a real Chromium: a trainee's coverage on a phone, the public framework and
item pages (HTML, JSON and htmx search, with and without JavaScript), a supervisor looking at
a trainee's coverage and an admin looking at a programme, with axe-core on every page."""

import re

import pytest

from accounts.models import User
from curriculum import selectors
from portfolio import coverage
from tests.browser.conftest import (
    ADMIN_EMAIL,
    DESKTOP,
    PHONE,
    SUPERVISOR_EMAIL,
    TRAINEE_EMAIL,
    assert_no_axe_violations,
    assert_no_csp_violations,
    expect,
    horizontal_overflow,
    open_path,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRAMEWORK = "/frameworks/uk-foundation/2021/"
FPC1 = FRAMEWORK + "items/FPC1/"
FPCS_PER_HLO = [5, 5, 3]


def assert_fits(page, viewport):
    scroll_width, viewport_width = horizontal_overflow(page)
    assert scroll_width <= viewport["width"], (
        f"{page.url} scrolls sideways at {viewport_width}px: the document is {scroll_width}px wide"
    )


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def open_own_coverage(page):
    main_nav(page).get_by_role("link", name="Coverage", exact=True).click()
    expect(page).to_have_url(re.compile(r"/coverage/\d+/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your coverage")


def assert_f1_coverage(page, email=TRAINEE_EMAIL):
    """Three HLO groups holding the 13 FPCs (5, 5, 3), each FPC a required tile showing the
    status the coverage selector gives for the trainee's demo entries."""
    trainee = User.objects.get(email=email)
    programme = selectors.programmes_of_trainee(trainee).get()
    rows = coverage.coverage(trainee=trainee, programme=programme)
    summary = coverage.coverage_summary(rows)
    assert [len(row.children) for row in rows] == FPCS_PER_HLO

    groups = page.locator("section.coverage-group")
    expect(groups).to_have_count(len(FPCS_PER_HLO))
    for group, row in zip(groups.all(), rows, strict=True):
        expect(group.get_by_role("heading", level=2)).to_contain_text(row.item.code)
        tiles = group.locator(".coverage-grid > li.tile")
        expect(tiles.locator(".tile-code")).to_have_text([c.item.code for c in row.children])
        expect(tiles.locator(".tile-status")).to_have_text([c.status_label for c in row.children])
    labels = page.locator(".coverage-grid .tile-status").all_inner_texts()
    assert len(labels) == 13
    assert set(labels) <= {"Met", "Partly met", "Not started"}, "every FPC is required"
    expect(page.locator(".coverage-summary")).to_contain_text(
        f"{summary['met']} of 13 requirements met"
    )


# --- Trainee ------------------------------------------------------------------------------------


def test_trainee_follows_coverage_link_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    open_own_coverage(page)

    assert_f1_coverage(page)
    expect(main_nav(page).get_by_role("link", name="Coverage", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "coverage-phone")
    assert_fits(page, PHONE)
    assert_no_csp_violations(page)


def test_coverage_passes_axe_on_a_phone(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)
    open_own_coverage(page)
    assert_f1_coverage(page)

    assert_no_axe_violations(page, "the trainee's coverage")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_coverage_and_framework_pages_fit_the_screen(viewport, demo_data, new_page):
    page = new_page(viewport=viewport)
    sign_in(page)
    open_own_coverage(page)
    name = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"coverage-{name}")
    assert_fits(page, viewport)

    open_path(page, FRAMEWORK)
    screenshot(page, f"framework-{name}")
    assert_fits(page, viewport)

    open_path(page, FRAMEWORK + "?q=quality")
    screenshot(page, f"framework-search-{name}")
    assert_fits(page, viewport)

    open_path(page, FPC1)
    screenshot(page, f"item-{name}")
    assert_fits(page, viewport)
    assert_no_csp_violations(page)


# --- Public framework and item pages ----------------------------------------------------------


def test_public_item_page_answers_as_html_and_as_json(live_server, new_page):
    page = new_page(viewport=PHONE)

    open_path(page, FPC1)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Clinical assessment")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name="HLO1")).to_be_visible()
    response = page.request.get(FPC1, headers={"Accept": "application/json"})
    assert response.ok
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert data["code"] == "FPC1"
    assert data["title"] == "Clinical assessment"
    assert_fits(page, PHONE)
    assert_no_csp_violations(page)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "path", [FRAMEWORK, FRAMEWORK + "?q=quality", FPC1], ids=["framework", "search", "item"]
)
def test_public_curriculum_pages_pass_axe(path, viewport, live_server, new_page):
    page = new_page(viewport=viewport, bypass_csp=True)
    open_path(page, path)

    assert_no_axe_violations(page, path)


def search_box(page):
    return page.get_by_role("searchbox", name="Search this framework")


def test_framework_search_updates_the_tree_in_place_with_htmx(live_server, new_page):
    page = new_page(viewport=PHONE)
    open_path(page, FRAMEWORK)
    expect(page.locator("#tree mark")).to_have_count(0)
    # A full page load would lose this; an htmx swap keeps it.
    page.evaluate("() => { window.waymarkSamePage = true; }")
    documents = []

    def note_document(request):
        if request.resource_type == "document":
            documents.append(request.url)

    page.on("request", note_document)

    search_box(page).press_sequentially("quality", delay=20)

    expect(page).to_have_url(re.compile(r"\?q=quality$"))
    marks = page.locator("#tree mark")
    expect(marks.first).to_be_visible()
    expect(marks.first).to_have_text(re.compile("quality", re.IGNORECASE))
    expect(page.locator("#tree [role=status]")).to_contain_text("“quality”")
    assert page.evaluate("() => window.waymarkSamePage === true"), "the search reloaded the page"
    assert documents == [], f"the search loaded whole documents: {documents}"
    assert_no_csp_violations(page)

    # Clearing the search brings the whole tree back, still without leaving the page.
    search_box(page).fill("")
    expect(marks).to_have_count(0)
    expect(page.locator("#tree details")).to_have_count(3)
    assert page.evaluate("() => window.waymarkSamePage === true")


def test_framework_search_works_without_javascript(chromium_browser, live_server):
    context = chromium_browser.new_context(
        viewport=PHONE, java_script_enabled=False, base_url=live_server.url
    )
    try:
        context.set_default_timeout(10_000)
        page = context.new_page()
        open_path(page, FRAMEWORK)

        search_box(page).fill("quality improvement")
        page.get_by_role("button", name="Search").click()

        expect(page).to_have_url(re.compile(r"\?q=quality\+improvement$"))
        expect(page.locator("#tree [role=status]")).to_contain_text("1 item matches")
        expect(page.locator("#tree mark")).to_have_text(["Quality improvement"])
        expect(search_box(page)).to_have_value("quality improvement")
        # The match's branch is open, so the result is on screen without JavaScript too.
        expect(page.get_by_role("link", name=re.compile("Quality improvement"))).to_be_visible()
    finally:
        context.close()


# --- Supervisor -------------------------------------------------------------------------------


def test_supervisor_opens_a_trainees_coverage_from_trainees(demo_data, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, email=SUPERVISOR_EMAIL)

    main_nav(page).get_by_role("link", name="Trainees", exact=True).click()

    expect(page).to_have_url(re.compile(r"/trainees/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your trainees")
    row = page.get_by_role("row").filter(has_text="Asha Patel")
    screenshot(page, "trainees-phone")
    assert_fits(page, PHONE)
    row.get_by_role("link", name="Foundation Year 1", exact=True).click()

    expect(page).to_have_url(re.compile(r"/coverage/\d+/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage for Dr Asha Patel")
    assert_f1_coverage(page)
    assert_fits(page, PHONE)
    assert_no_csp_violations(page)


def test_supervisor_pages_pass_axe(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, email=SUPERVISOR_EMAIL)
    open_path(page, "/trainees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your trainees")

    assert_no_axe_violations(page, "the supervisor's trainees")


# --- Organisation admin -----------------------------------------------------------------------


def open_f1_programme(page):
    main_nav(page).get_by_role("link", name="Organisations", exact=True).click()
    page.get_by_role("link", name="Elsewhere Deanery", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Elsewhere Deanery: members")
    members_url = page.url
    page.get_by_role("navigation", name="Elsewhere Deanery").get_by_role(
        "link", name="Programmes", exact=True
    ).click()
    page.get_by_role("link", name="Foundation Year 1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foundation Year 1")
    return members_url


def requirement_rows(page):
    table = page.get_by_role("table", name="What Foundation Year 1 requires")
    return table.locator("tbody tr")


def test_admin_opens_the_f1_programme_and_sees_its_requirements(demo_data, new_page):
    page = new_page(viewport=PHONE)
    sign_in(page, email=ADMIN_EMAIL)

    open_f1_programme(page)

    rows = requirement_rows(page)
    expect(rows).to_have_count(13)
    expect(rows.first).to_contain_text("FPC1")
    screenshot(page, "programme-phone")
    assert_fits(page, PHONE)
    assert_no_csp_violations(page)


def test_admin_pages_pass_axe(demo_data, new_page):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, email=ADMIN_EMAIL)
    members_url = open_f1_programme(page)
    expect(requirement_rows(page)).to_have_count(13)

    assert_no_axe_violations(page, "the programme page")

    open_path(page, members_url)
    assert_no_axe_violations(page, "the members page")
