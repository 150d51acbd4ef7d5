"""Annual reviews on a phone, in a real Chromium, on the demo site: the trainee follows the
dashboard to their forecast, which names the DOPS they have not done as at risk; their
educational supervisor writes a report from the trainee's page and signs it; the trainee
reads it signed; the deanery's admin opens the programme's review page. No accessibility
failures (axe-core at 390 px), script errors or sideways scrolling on any of the pages."""

import re

import pytest

from curriculum.models import Programme
from tests.browser.conftest import (
    ADMIN_EMAIL,
    PHONE,
    SUPERVISOR_EMAIL,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_axe_violations,
    expect,
    open_path,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAINEE = "Dr Asha Patel"


def assert_accessible_on_a_phone(page, where):
    assert_no_axe_violations(page, where)
    assert_fits_phone(page)
    assert not page.watch.errors, "JavaScript errors:\n" + "\n".join(page.watch.errors)


def test_the_forecast_the_report_and_the_programme_page_on_phones(demo_data, new_page):
    trainee = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(trainee, email=TRAINEE_EMAIL)
    trainee.get_by_role("link", name="Annual review forecast").click()
    expect(trainee.get_by_role("heading", level=1)).to_have_text("Your annual review forecast")
    dops = trainee.locator(".forecast").filter(has=trainee.get_by_role("heading", name="DOPS"))
    expect(dops.get_by_text("At risk")).to_be_visible()
    expect(dops.get_by_text(re.compile(r"^0 of 2 DOPS; .* 2 more needed\.$"))).to_be_visible()
    assert_accessible_on_a_phone(trainee, "the trainee's forecast")
    screenshot(trainee, "reviews-forecast-phone")
    forecast_url = trainee.url

    supervisor = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(supervisor, email=SUPERVISOR_EMAIL)
    supervisor.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Trainees", exact=True
    ).click()
    supervisor.get_by_role("row").filter(has_text=TRAINEE).get_by_role("link", name=TRAINEE).click()
    supervisor.get_by_role("link", name="Annual review and reports").click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text(
        f"Annual review forecast for {TRAINEE}"
    )
    assert_accessible_on_a_phone(supervisor, "the supervisor's view of the forecast")
    supervisor.get_by_role("button", name="Write a report").click()

    expect(supervisor.get_by_role("heading", level=1)).to_have_text(
        "Educational supervisor’s report"
    )
    assert_accessible_on_a_phone(supervisor, "a draft report")
    screenshot(supervisor, "reviews-report-draft-phone")
    supervisor.get_by_label("Overall progress").fill("Steady progress on the acute take.")
    supervisor.get_by_label("Strengths").fill("Calm under pressure; clear handovers.")
    supervisor.get_by_role("button", name="Sign and lock").click()
    # A required answer is missing: the draft is kept and the refusal sits by the question.
    expect(
        supervisor.get_by_text("Answer this question before signing the report.").first
    ).to_be_visible()
    assert_accessible_on_a_phone(supervisor, "a report refused for its missing answers")
    supervisor.get_by_label("Development needs").fill("Two DOPS before the review.")
    supervisor.get_by_role("group", name="Recommended annual review outcome").get_by_label(
        "Satisfactory progress", exact=True
    ).check()
    supervisor.get_by_role("button", name="Sign and lock").click()
    expect(supervisor.get_by_text(re.compile(r"^Signed by Dr Daniel Hughes"))).to_be_visible()
    assert_accessible_on_a_phone(supervisor, "a signed report")
    report_url = supervisor.url

    open_path(trainee, forecast_url)
    trainee.get_by_role("link", name=re.compile(r"to \d+ \w+ \d{4}$")).first.click()
    assert trainee.url == report_url
    expect(trainee.get_by_text("Two DOPS before the review.")).to_be_visible()
    assert_accessible_on_a_phone(trainee, "the trainee reading the signed report")
    screenshot(trainee, "reviews-report-signed-phone")

    admin = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(admin, email=ADMIN_EMAIL)
    programme = Programme.objects.get(name="Foundation Year 1")
    open_path(
        admin,
        f"/organisations/{programme.organisation.slug}/programmes/{programme.pk}/review/",
    )
    expect(admin.get_by_role("heading", level=1)).to_have_text("Annual review of Foundation Year 1")
    admin.get_by_text("Add or change a requirement").click()
    assert_accessible_on_a_phone(admin, "the programme's review page")
    screenshot(admin, "reviews-programme-phone")
