"""The trainee's assessments through the API: start one, send it by email, revoke it, read
it back marked as completed by ticket; an entry of the assessment kind cannot be logged or
changed through /events/."""

import pytest
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Assessment
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, link_in, token_of

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"


@pytest.fixture
def api(enrolled_trainee):
    client = APIClient()
    client.force_authenticate(enrolled_trainee)
    return client


def test_start_send_and_read_back_completed_by_ticket(
    api, mini_cex, fpcs, mailoutbox, django_capture_on_commit_callbacks
):
    forms = api.get("/api/v1/assessment-forms/").json()["results"]
    assert "mini-cex" in {f["code"] for f in forms}
    started = api.post(
        ASSESSMENTS,
        {
            "form": mini_cex.pk,
            "title": "Chest pain",
            "date": "2026-11-02",
            "answers": {"setting": "ED majors"},
            "items": [fpcs["FPC1"].pk],
        },
        format="json",
    )
    assert started.status_code == 201, started.json()
    pk = started.json()["id"]
    assert started.json()["state"] == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(
            f"{ASSESSMENTS}{pk}/send/",
            {"name": "Dr Jones", "email": "jones@hospital.example"},
            format="json",
        )
    assert sent.status_code == 200 and sent.json()["state"] == "requested"
    services.complete_by_ticket(
        token=token_of(link_in(mailoutbox[-1].body)),
        assessor_name="Dr Jones",
        assessor_role="Consultant",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )
    done = api.get(f"{ASSESSMENTS}{pk}/").json()
    assert done["by_ticket"] is True and done["locked"] is True
    assert done["assessor_role"] == "Consultant"
    event = api.get(f"/api/v1/events/{done['event']}/").json()
    assert event["kind"] == "assessment"


def test_revoke(api, assessment, send_ticket):
    send_ticket(assessment)
    response = api.post(f"{ASSESSMENTS}{assessment.pk}/revoke/")
    assert response.status_code == 200 and response.json()["state"] == "draft"
    again = api.post(f"{ASSESSMENTS}{assessment.pk}/revoke/")
    assert again.status_code == 409


def test_field_messages(api, mini_cex):
    response = api.post(
        ASSESSMENTS, {"form": mini_cex.pk, "title": "", "date": "2026-11-02"}, format="json"
    )
    assert response.status_code == 400
    started = api.post(
        ASSESSMENTS, {"form": mini_cex.pk, "title": "Case", "date": "2026-11-02"}, format="json"
    )
    assert started.status_code == 400
    assert "setting" in str(started.json())


def test_the_send_is_refused_with_a_field_message_past_the_limit(api, start, send_ticket):
    for n in range(services.TICKETS_PER_DAY):
        send_ticket(start(title=f"Case {n}"))
    extra = start(title="Extra")
    response = api.post(
        f"{ASSESSMENTS}{extra.pk}/send/", {"name": "A", "email": "a@example.org"}, format="json"
    )
    assert response.status_code == 400
    assert "Try again tomorrow" in str(response.json())
    assert Assessment.objects.get(pk=extra.pk).state == "draft"


def test_another_trainee_sees_none_of_them(assessment, other_trainee):
    client = APIClient()
    client.force_authenticate(other_trainee)
    assert client.get(ASSESSMENTS).json()["results"] == []
    assert client.get(f"{ASSESSMENTS}{assessment.pk}/").status_code == 404


def test_an_assessment_entry_is_not_logged_or_changed_through_events(api, assessment, supervisor):
    logged = api.post(
        "/api/v1/events/",
        {"kind": "assessment", "title": "Sneaky", "date": "2026-11-02"},
        format="json",
    )
    assert logged.status_code == 400
    changed = api.patch(
        f"/api/v1/events/{assessment.entry_id}/", {"title": "Changed"}, format="json"
    )
    assert changed.status_code == 409
    submitted = api.post(
        f"/api/v1/events/{assessment.entry_id}/submit/",
        {"supervisor": supervisor.pk},
        format="json",
    )
    assert submitted.status_code == 409
    assert "completed by its assessor" in str(submitted.json())
