"""The pages: a trainee starts a mini-CEX and sends it by email; the assessor opens the link
from the email signed out and completes it; the assessment is in the trainee's portfolio,
locked and marked as completed by ticket; the link then shows only a thank-you, and a second
submission is refused."""

import pytest
from django.urls import reverse

from assessments.models import Assessment, AssessmentForm
from portfolio.models import Kind
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, link_in
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def assessor_form(**overrides):
    return {
        "assessor_name": "Dr Rhys Jones",
        "assessor_role": "Consultant in emergency medicine",
        "assessor_gmc_number": "7654321",
        **{f"answer_{key}": value for key, value in MINI_CEX_ASSESSOR_ANSWERS.items()},
        **overrides,
    }


def test_a_mini_cex_by_ticket_from_start_to_the_portfolio(
    client, enrolled_trainee, fpcs, mini_cex, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("assessments:start", args=[mini_cex.pk]),
        {
            "title": "Chest pain in the emergency department",
            "date": "2026-11-02",
            "answer_setting": "ED majors, a man in his fifties with chest pain.",
            "items": [fpcs["FPC1"].pk],
            "reflection_learned": "Ask about cocaine use.",
        },
    )
    assessment = Assessment.objects.get(trainee=enrolled_trainee)
    assert response.status_code == 302 and response.url == assessment.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:request", args=[assessment.pk]),
            {"name": "Dr Rhys Jones", "email": "rhys.jones@hospital.example"},
        )
    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == ["rhys.jones@hospital.example"]
    link = link_in(email.body)

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert b"Chest pain in the emergency department" in page.content
    assert b"ED majors" in page.content
    assert client.post(link, assessor_form()).status_code == 302

    thanks = client.get(link)
    assert b"Thank you" in thanks.content and b"<form method" not in thanks.content
    second = client.post(link, assessor_form(assessor_comment="Another go"))
    assert second.status_code == 410
    assert b"already been used" in second.content

    assessment.refresh_from_db()
    assert assessment.is_locked and assessment.by_ticket and assessment.assessor_comment == ""
    entry = assessment.entry
    assert entry.kind == Kind.ASSESSMENT and entry.is_locked
    assert [m.item for m in entry.mappings.all()] == [fpcs["FPC1"]]

    client.force_login(enrolled_trainee)
    entries = client.get(reverse("portfolio:entry_list"))
    assert b"Chest pain in the emergency department" in entries.content
    entry_page = client.get(entry.get_absolute_url())
    assert b"Completed by ticket" in entry_page.content
    detail = client.get(assessment.get_absolute_url())
    assert b"Completed by ticket" in detail.content
    assert b"GMC 7654321" in detail.content
    assert b"The assessment is locked." in detail.content
    # The general entry editor refuses it.
    edit = client.get(reverse("portfolio:entry_edit", args=[entry.pk]))
    assert edit.status_code == 302


def test_the_ticket_page_shows_field_messages(assessment, send_ticket, client):
    _, link = send_ticket(assessment)
    response = client.post(link, assessor_form(assessor_gmc_number="12345", answer_overall=""))
    assert response.status_code == 200
    assert b"A GMC number is 7 digits" in response.content
    assert b"This field is required" in response.content


def test_a_revoked_link_says_so(assessment, send_ticket, client, enrolled_trainee):
    _, link = send_ticket(assessment)
    client.force_login(enrolled_trainee)
    client.post(reverse("assessments:revoke", args=[assessment.pk]))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert b"withdrawn the request" in response.content


def test_an_unknown_link_is_not_found(client, db):
    assert client.get(reverse("assessments:ticket", args=["x" * 43])).status_code == 404


def test_another_trainee_cannot_see_or_send_the_assessment(assessment, client, other_trainee):
    client.force_login(other_trainee)
    assert client.get(assessment.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("assessments:request", args=[assessment.pk]),
        {"name": "X", "email": "x@example.org"},
    )
    assert response.status_code == 404


def test_the_assessment_list_costs_the_same_however_many(client, enrolled_trainee, start):
    client.force_login(enrolled_trainee)
    start(title="First")
    url = reverse("assessments:list")
    few = queries_for(client, url)
    for n in range(5):
        start(title=f"Case {n}")
    assert queries_for(client, url) == few


@pytest.mark.parametrize("page", ["list", "detail", "ticket"])
def test_pages_cost_a_fixed_number_of_queries(
    page, client, assessment, enrolled_trainee, send_ticket, django_assert_num_queries
):
    _, link = send_ticket(assessment)
    url = {
        "list": reverse("assessments:list"),
        "detail": assessment.get_absolute_url(),
        "ticket": link,
    }[page]
    if page != "ticket":
        client.force_login(enrolled_trainee)
    budget = {"list": 6, "detail": 6, "ticket": 1}[page]
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_forms_of_another_organisation_are_not_offered(client, enrolled_trainee, org_b, mini_cex):
    theirs = AssessmentForm.objects.create(
        organisation=org_b, base=mini_cex, code="theirs", name="Theirs", assessment_type="mini_cex"
    )
    client.force_login(enrolled_trainee)
    assert client.get(reverse("assessments:start", args=[theirs.pk])).status_code == 404


def test_an_assessor_with_an_account_completes_it_from_their_queue(
    client, assessment, enrolled_trainee, supervisor
):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("assessments:request", args=[assessment.pk]),
        {"name": "My supervisor", "email": supervisor.email},
    )
    assert response.status_code == 302
    client.force_login(supervisor)
    queue = client.get(reverse("assessments:list"))
    complete_url = reverse("assessments:complete", args=[assessment.pk])
    assert complete_url.encode() in queue.content
    response = client.post(
        complete_url,
        {
            "assessor_role": "Educational supervisor",
            **{f"answer_{key}": value for key, value in MINI_CEX_ASSESSOR_ANSWERS.items()},
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_locked and not assessment.by_ticket
    assert assessment.assessor_name == supervisor.full_name
    page = client.get(assessment.get_absolute_url())
    assert b"Completed by ticket" not in page.content
    assert b"The assessment is locked." in page.content


def test_someone_not_asked_cannot_complete_it(client, assessment, other_trainee):
    client.force_login(other_trainee)
    assert client.get(reverse("assessments:complete", args=[assessment.pk])).status_code == 404


def test_the_trainee_changes_a_draft_on_its_page(client, assessment, enrolled_trainee, fpcs):
    client.force_login(enrolled_trainee)
    url = reverse("assessments:edit", args=[assessment.pk])
    form = client.get(url)
    assert b"ED majors" in form.content
    response = client.post(
        url,
        {
            "title": "Chest pain, re-titled",
            "date": "2026-11-03",
            "answer_setting": "Acute medical unit.",
            "items": [fpcs["FPC2"].pk],
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.entry.title == "Chest pain, re-titled"
    assert assessment.answers == {"setting": "Acute medical unit."}


def test_the_trainees_supervisor_reads_the_completed_assessment(
    client, assessment, send_ticket, supervisor, other_trainee
):
    _, link = send_ticket(assessment)
    client.post(link, assessor_form())
    client.force_login(supervisor)
    page = client.get(assessment.get_absolute_url())
    assert page.status_code == 200 and b"GMC 7654321" in page.content
    assert b"Send to your assessor" not in page.content
    client.force_login(other_trainee)
    assert client.get(assessment.get_absolute_url()).status_code == 404
