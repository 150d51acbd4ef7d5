"""Through the API as on the pages: the trainee changes a draft assessment, refused once it
is sent or completed; an assessor with an account finds it in their queue and completes it,
with answers checked against the form's questions as the page checks them, and the
assessment is locked and the completion audited."""

import pytest
from rest_framework.test import APIClient

from assessments import services
from assessments.models import Assessment
from audit.models import AuditEntry
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS
from tests.factories import ItemFactory, UserFactory

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def trainee_api(enrolled_trainee):
    return client_for(enrolled_trainee)


@pytest.fixture
def assessor(db):
    """Someone with a Waymark account who is not in the trainee's organisation."""
    return UserFactory(full_name="Dr Rhys Jones", email="rhys.jones@hospital.example")


@pytest.fixture
def sent(assessment, enrolled_trainee, assessor, django_capture_on_commit_callbacks):
    """The assessment, sent to the queue of an assessor with an account."""
    with django_capture_on_commit_callbacks(execute=True):
        services.request_assessment(
            actor=enrolled_trainee, assessment=assessment, name="Dr Jones", email=assessor.email
        )
    return Assessment.objects.get(pk=assessment.pk)


def completion(**overrides):
    return {
        "answers": MINI_CEX_ASSESSOR_ANSWERS,
        "assessor_role": "Consultant in emergency medicine",
        "assessor_gmc_number": "765 4321",
        "assessor_comment": "A good history.",
        **overrides,
    }


# --- The trainee changes a draft -----------------------------------------------------------------


def test_the_trainee_changes_a_draft(trainee_api, assessment, fpcs):
    response = trainee_api.patch(
        f"{ASSESSMENTS}{assessment.pk}/",
        {
            "title": "Chest pain, re-titled",
            "date": "2026-11-03",
            "answers": {"setting": "Acute medical unit."},
            "items": [fpcs["FPC2"].pk],
            "reflection_learned": "Ask about cocaine use.",
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["title"], body["date"], body["answers"]) == (
        "Chest pain, re-titled",
        "2026-11-03",
        {"setting": "Acute medical unit."},
    )
    entry = Assessment.objects.get(pk=assessment.pk).entry
    assert entry.reflection_learned == "Ask about cocaine use."
    assert list(entry.items.values_list("code", flat=True)) == ["FPC2"]
    assert AuditEntry.objects.filter(action="edit_assessment", object_id=str(assessment.pk))


def test_what_a_patch_leaves_out_stays_as_it_was(trainee_api, assessment):
    response = trainee_api.patch(
        f"{ASSESSMENTS}{assessment.pk}/", {"reflection_next_time": "Examine first."}, format="json"
    )

    assert response.status_code == 200, response.json()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.entry.title == "Chest pain in the emergency department"
    assert assessment.answers == {"setting": "ED majors, a man in his fifties with chest pain."}
    assert list(assessment.entry.items.values_list("code", flat=True)) == ["FPC1"]
    assert assessment.entry.reflection_next_time == "Examine first."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"answers": {"setting": ""}}, "setting"),
        ({"answers": {"overall": "Meets expectations"}}, "answers"),
        ({"items": [0]}, "items"),
        ({"date": "yesterday"}, "date"),
    ],
)
def test_a_change_the_page_would_refuse_is_a_400_naming_the_field(
    trainee_api, assessment, change, field
):
    response = trainee_api.patch(f"{ASSESSMENTS}{assessment.pk}/", change, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Assessment.objects.get(pk=assessment.pk).entry.title.startswith("Chest pain")


def test_an_item_outside_the_trainees_curricula_is_refused(trainee_api, assessment):
    stray = ItemFactory(code="X1")

    response = trainee_api.patch(
        f"{ASSESSMENTS}{assessment.pk}/", {"items": [stray.pk]}, format="json"
    )

    assert response.status_code == 400
    assert "Not in the curricula of your programmes: X1" in str(response.json())


def test_a_sent_assessment_is_not_changed(trainee_api, sent):
    response = trainee_api.patch(f"{ASSESSMENTS}{sent.pk}/", {"title": "Changed"}, format="json")

    assert response.status_code == 409
    assert "revoke the request" in response.json()["error"]["message"]
    assert Assessment.objects.get(pk=sent.pk).entry.title != "Changed"


def test_a_completed_assessment_is_locked(trainee_api, sent, assessor):
    client_for(assessor).post(f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json")

    response = trainee_api.patch(f"{ASSESSMENTS}{sent.pk}/", {"title": "Changed"}, format="json")

    assert response.status_code == 409
    assert "locked" in response.json()["error"]["message"]


@pytest.mark.parametrize("persona", ["other_trainee", "supervisor"])
def test_nobody_but_the_trainee_changes_it(request, assessment, persona):
    client = client_for(request.getfixturevalue(persona))

    response = client.patch(f"{ASSESSMENTS}{assessment.pk}/", {"title": "Mine"}, format="json")

    assert response.status_code == 404


# --- The assessor completes it -------------------------------------------------------------------


def test_the_assessor_finds_it_in_their_queue_and_completes_it(sent, assessor):
    api = client_for(assessor)
    queue = api.get(f"{ASSESSMENTS}queue/").json()["results"]
    assert [(a["id"], a["trainee_name"]) for a in queue] == [(sent.pk, str(sent.trainee))]
    keys = {q["key"] for q in queue[0]["questions"] if q["by"] == "assessor"}
    assert set(MINI_CEX_ASSESSOR_ANSWERS) <= keys
    assert api.get(f"{ASSESSMENTS}{sent.pk}/").status_code == 200

    response = api.post(f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "completed" and body["locked"] is True and body["by_ticket"] is False
    assert body["assessor_name"] == "Dr Rhys Jones"
    assert body["assessor_gmc_number"] == "7654321"
    assert body["answers"]["overall"] == "Meets expectations"
    assert body["answers"]["setting"].startswith("ED majors")
    audited = AuditEntry.objects.get(action="complete_assessment", object_id=str(sent.pk))
    assert audited.payload == {"by_ticket": False, "gmc_number": "7654321"}
    assert api.get(f"{ASSESSMENTS}queue/").json()["results"] == []


def test_completing_twice_is_a_conflict(sent, assessor):
    api = client_for(assessor)
    api.post(f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json")

    again = api.post(f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json")

    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"answers": {**MINI_CEX_ASSESSOR_ANSWERS, "overall": "Superb"}}, {"overall"}),
        ({"answers": {"history": "Meets expectations"}}, {"overall", "examination"}),
        ({"answers": {**MINI_CEX_ASSESSOR_ANSWERS, "setting": "Mine"}}, {"answers"}),
        ({"assessor_role": " "}, {"assessor_role"}),
        ({"assessor_gmc_number": "12345"}, {"assessor_gmc_number"}),
        ({"answers": "all good"}, {"answers"}),
    ],
)
def test_answers_are_checked_against_the_form_as_on_the_page(sent, assessor, change, fields):
    response = client_for(assessor).post(
        f"{ASSESSMENTS}{sent.pk}/complete/", completion(**change), format="json"
    )

    assert response.status_code == 400
    assert fields <= set(response.json()["error"]["fields"])
    assert Assessment.objects.get(pk=sent.pk).state == "requested"


def test_the_trainee_and_their_supervisor_see_it_but_do_not_complete_it(
    sent, enrolled_trainee, supervisor
):
    for person in (enrolled_trainee, supervisor):
        response = client_for(person).post(
            f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json"
        )
        assert response.status_code == 403
    assert Assessment.objects.get(pk=sent.pk).state == "requested"


def test_someone_not_asked_does_not_find_it(sent, other_trainee):
    client = client_for(other_trainee)

    assert (
        client.post(f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json").status_code
        == 404
    )
    assert client.get(f"{ASSESSMENTS}{sent.pk}/").status_code == 404
    assert client.get(f"{ASSESSMENTS}queue/").json()["results"] == []


def test_an_assessor_whose_request_was_revoked_no_longer_finds_it(sent, assessor, enrolled_trainee):
    services.revoke_request(actor=enrolled_trainee, assessment=sent)

    response = client_for(assessor).post(
        f"{ASSESSMENTS}{sent.pk}/complete/", completion(), format="json"
    )

    assert response.status_code == 404


def test_an_id_that_is_not_an_id_is_not_found(assessor):
    response = client_for(assessor).post(
        f"{ASSESSMENTS}null/complete/", completion(), format="json"
    )

    assert response.status_code == 404


def test_the_queue_costs_the_same_however_long(
    start, enrolled_trainee, assessor, django_assert_num_queries
):
    api = client_for(assessor)

    def send(n):
        for i in range(n):
            services.request_assessment(
                actor=enrolled_trainee,
                assessment=start(title=f"Case {i}"),
                name="Dr Jones",
                email=assessor.email,
            )

    send(1)
    with django_assert_num_queries(2):
        assert len(api.get(f"{ASSESSMENTS}queue/").json()["results"]) == 1
    send(3)
    with django_assert_num_queries(2):
        assert len(api.get(f"{ASSESSMENTS}queue/").json()["results"]) == 4
