"""Sign-off through the API: submit, return, recall, approve, withdraw."""

import pytest

from portfolio.models import LearningEntry, SignOffLink, Status
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import SupervisionFactory
from tests.portfolio.api.conftest import ENTRIES, QUEUE, new_entry

pytestmark = pytest.mark.django_db


# --- Sign-off through the API ---------------------------------------------------------------------


def test_the_full_sign_off_flow(api_as, enrolled_trainee, supervisor, fpcs):
    trainee = enrolled_trainee
    as_trainee, as_supervisor = api_as(trainee), api_as(supervisor)
    created = as_trainee.post(ENTRIES, new_entry(items=[fpcs["FPC1"].pk]), format="json")
    entry_id = created.json()["id"]
    url = f"{ENTRIES}{entry_id}/"

    response = as_trainee.post(f"{url}submit/", {"supervisor": supervisor.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["latest_request"]["supervisor"]["id"] == supervisor.pk
    queue = as_supervisor.get(QUEUE).json()["results"]
    assert [(r["event"]["id"], r["event"]["trainee"]["id"]) for r in queue] == [
        (entry_id, trainee.pk)
    ]

    error = assert_error(as_supervisor.post(f"{url}return/", {"comment": " "}, format="json"), 400)
    assert "comment" in error["fields"]
    response = as_supervisor.post(f"{url}return/", {"comment": "Add a reflection."}, format="json")
    assert response.json()["status"] == "returned"
    assert as_supervisor.get(QUEUE).json()["results"] == []

    returned = as_trainee.get(url).json()
    assert returned["latest_request"]["outcome"] == "returned"
    assert returned["latest_request"]["comment"] == "Add a reflection."
    as_trainee.patch(url, {"reflection_learned": "Lactate early."}, format="json")
    as_trainee.post(f"{url}submit/", {"supervisor": supervisor.pk}, format="json")

    response = as_supervisor.post(f"{url}approve/", {"comment": "Well done"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "signed_off"
    signed = as_trainee.get(url).json()["sign_off"]
    assert signed["supervisor"]["id"] == supervisor.pk and signed["comment"] == "Well done"
    assert signed["content_matches"] is True
    assert_error(as_supervisor.post(f"{url}approve/", {}, format="json"), 409, "conflict")

    error = assert_error(as_supervisor.post(f"{url}withdraw/", {"reason": ""}, format="json"), 400)
    assert "reason" in error["fields"]
    response = as_supervisor.post(f"{url}withdraw/", {"reason": "Signed too soon"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    assert response.json()["withdrawn_by"]["id"] == supervisor.pk
    after = as_trainee.get(url).json()
    assert after["status"] == "draft" and after["sign_off"] is None
    # A draft is the trainee's alone again.
    assert_error(as_supervisor.get(url), 404, "not_found")


def test_recall_then_change_then_resubmit(api_as, trainee, supervisor, make_entry):
    entry = make_entry(Status.SUBMITTED)
    client = api_as(trainee)

    response = client.post(f"{ENTRIES}{entry.pk}/recall/")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    response = client.patch(f"{ENTRIES}{entry.pk}/", {"title": "Better"}, format="json")
    assert response.status_code == 200
    assert_error(client.post(f"{ENTRIES}{entry.pk}/recall/"), 409, "conflict")


def test_content_matches_is_false_when_the_signed_entry_was_changed_behind_its_back(
    api_as, trainee, make_entry
):
    entry = make_entry(Status.SIGNED_OFF, title="As signed")
    LearningEntry.objects.filter(pk=entry.pk).update(title="Changed in the database")

    assert (
        api_as(trainee).get(f"{ENTRIES}{entry.pk}/").json()["sign_off"]["content_matches"] is False
    )


def test_submitting_to_someone_not_your_supervisor_does_not_name_them(
    api_as, trainee, people, make_entry
):
    entry = make_entry()
    stranger = people["other_supervisor"]

    response = api_as(trainee).post(
        f"{ENTRIES}{entry.pk}/submit/", {"supervisor": stranger.pk}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"]["supervisor"] == ["Not one of the trainee's current supervisors."]
    assert stranger.email not in response.content.decode()
    assert stranger.full_name not in response.content.decode()


def test_the_detail_gives_the_trainee_and_signer_the_public_verification_url(
    api_as, trainee, supervisor, make_entry, org_a, settings
):
    settings.SITE_URL = "https://waymark.example.org"
    entry = make_entry(Status.SIGNED_OFF)
    token = SignOffLink.objects.get(sign_off__entry=entry).token
    for person in (trainee, supervisor):
        sign_off = api_as(person).get(f"{ENTRIES}{entry.pk}/").json()["sign_off"]
        assert sign_off["verification_url"] == f"https://waymark.example.org/v/{token}/"

    other = member(org_a, "supervisor", email="second.supervisor@example.org")
    SupervisionFactory(supervisor=other, trainee=trainee, organisation=org_a)
    response = api_as(other).get(f"{ENTRIES}{entry.pk}/")
    assert response.status_code == 200, response.content
    assert response.json()["sign_off"]["verification_url"] is None
