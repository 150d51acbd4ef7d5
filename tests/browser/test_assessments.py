"""A trainee sends a mini-CEX to an assessor by email, on a phone, in a real Chromium; the
assessor opens the emailed link signed out, on a phone, and completes it; the trainee sees
it completed by ticket. No accessibility failures (axe-core at 390 px) or sideways
scrolling on the trainee's assessment page or the public page behind the link."""

import re

import pytest

from assessments.models import Assessment
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, link_in
from tests.browser.conftest import (
    PHONE,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_axe_violations,
    expect,
    open_path,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = {
    "history": "History taking",
    "examination": "Physical examination",
    "communication": "Communication",
    "judgement": "Clinical judgement",
    "overall": "Overall",
}


def assert_accessible_on_a_phone(page, where):
    assert_no_axe_violations(page, where)
    assert_fits_phone(page)


def test_a_mini_cex_sent_by_email_and_completed_signed_out_on_phones(
    demo_data, new_page, mailoutbox
):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, email=TRAINEE_EMAIL)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments")
    page.get_by_role("link", name="Mini-clinical evaluation exercise").click()
    page.get_by_label("Title").fill("Chest pain in the emergency department")
    page.get_by_label("Setting and case").fill("ED majors, a man in his fifties with chest pain.")
    page.get_by_label("What I learned").fill("Ask about cocaine use.")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Chest pain in the emergency department"
    )
    assert_accessible_on_a_phone(page, "the trainee's new assessment")
    screenshot(page, "assessment-draft-phone")
    page.get_by_label("Assessor's name").fill("Dr Rhys Jones")
    page.get_by_label("Assessor's email").fill("rhys.jones@hospital.example")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Waymark has emailed Dr Rhys Jones")).to_be_visible()

    link = link_in(mailoutbox[-1].body)
    assessor = new_page(viewport=PHONE, bypass_csp=True)
    open_path(assessor, link)
    expect(assessor.get_by_role("heading", level=1)).to_contain_text("Mini-clinical")
    assert_accessible_on_a_phone(assessor, "the public page behind the link")
    screenshot(assessor, "assessment-ticket-phone")
    assessor.get_by_label("Your name").fill("Dr Rhys Jones")
    assessor.get_by_label("Your role").fill("Consultant in emergency medicine")
    assessor.get_by_label("Your GMC number").fill("7654321")
    for key, label in LABELS.items():
        assessor.get_by_role("group", name=label).get_by_label(
            MINI_CEX_ASSESSOR_ANSWERS[key], exact=True
        ).check()
    assessor.get_by_label("What went well").fill(MINI_CEX_ASSESSOR_ANSWERS["went_well"])
    assessor.get_by_label("Suggested areas for development").fill(
        MINI_CEX_ASSESSOR_ANSWERS["to_develop"]
    )
    assessor.get_by_role("button", name="Submit the assessment").click()
    expect(assessor.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible_on_a_phone(assessor, "the thank-you behind a used link")
    assert not assessor.locator("form[method=post]").count()

    assessment = Assessment.objects.get(entry__title="Chest pain in the emergency department")
    assert assessment.is_locked and assessment.by_ticket
    page.reload()
    expect(page.get_by_text("Completed by ticket").first).to_be_visible()
    expect(page.get_by_text("The assessment is locked.")).to_be_visible()
    assert_accessible_on_a_phone(page, "the trainee's completed assessment")
    screenshot(page, "assessment-completed-phone")
