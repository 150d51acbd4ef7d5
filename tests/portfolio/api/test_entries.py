"""The learning entries API: logging, reading, changing and deleting entries, their
mappings, locked entries, and who reads a reflection."""

import pytest
from rest_framework.test import APIClient

from portfolio.models import LearningEntry, ReflectionView, Status
from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES, new_entry

pytestmark = pytest.mark.django_db


# --- Create, read, update, delete -----------------------------------------------------------------


def test_create_read_update_delete_with_a_token(api_as, enrolled_trainee, fpcs):
    client = api_as(enrolled_trainee)

    response = client.post(
        ENTRIES,
        new_entry(
            duration_minutes=90,
            items=[fpcs["FPC1"].pk],
            tags=["Sepsis", "ED"],
            reflection_learned="Give antibiotics within the hour.",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["source"] == "api"
    assert created["cpd_credits"] == "1.50"
    assert created["items"] == [fpcs["FPC1"].pk]
    assert created["tags"] == ["ed", "sepsis"]
    assert created["reflection_learned"] == "Give antibiotics within the hour."
    assert created["trainee"] == {"id": enrolled_trainee.pk, "name": enrolled_trainee.full_name}
    assert created["sign_off"] is None and created["evidence"] == []
    url = f"{ENTRIES}{created['id']}/"

    assert client.get(url).json() == created

    response = client.patch(
        url, {"title": "Sepsis six teaching", "tags": ["sepsis"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Sepsis six teaching"
    assert response.json()["tags"] == ["sepsis"]
    assert response.json()["items"] == [fpcs["FPC1"].pk], "PATCH keeps fields not sent"

    response = client.put(url, new_entry(title="Replaced"), format="json")
    assert response.status_code == 200, response.content
    replaced = response.json()
    assert replaced["title"] == "Replaced"
    assert (
        replaced["items"] == [] and replaced["tags"] == [] and replaced["reflection_learned"] == ""
    )

    assert client.delete(url).status_code == 204
    assert not LearningEntry.objects.filter(pk=created["id"]).exists()
    assert_error(client.get(url), 404, "not_found")


def test_create_and_change_with_a_session(enrolled_trainee):
    client = APIClient()
    client.force_login(enrolled_trainee)

    response = client.post(ENTRIES, new_entry(), format="json")
    assert response.status_code == 201, response.content
    url = f"{ENTRIES}{response.json()['id']}/"
    assert client.patch(url, {"provider": "Deanery"}, format="json").json()["provider"] == "Deanery"
    assert client.get(ENTRIES).json()["count"] == 1


def test_a_session_write_without_the_csrf_token_is_refused(enrolled_trainee):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(enrolled_trainee)

    assert_error(client.post(ENTRIES, new_entry(), format="json"), 403, "permission_denied")
    assert not LearningEntry.objects.exists()


def test_the_same_external_id_sent_twice_is_one_entry(api_as, enrolled_trainee):
    client = api_as(enrolled_trainee)
    body = new_entry(title="Sepsis e-learning", kind="elearning", external_id="lms-course-42")

    first = client.post(ENTRIES, body, format="json")
    again = client.post(ENTRIES, {**body, "title": "Sent again"}, format="json")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "Sepsis e-learning", "the first entry is returned as is"
    assert again.json()["external_id"] == "lms-course-42"
    assert LearningEntry.objects.filter(external_id="lms-course-42").count() == 1
    # Without an external id, every POST is a new entry.
    client.post(ENTRIES, new_entry(), format="json")
    client.post(ENTRIES, new_entry(), format="json")
    assert LearningEntry.objects.count() == 3


def test_the_services_refusals_are_field_errors(api_as, enrolled_trainee, foundation):
    client = api_as(enrolled_trainee)
    outside = foundation.items.first().pk + 100_000

    error = assert_error(client.post(ENTRIES, new_entry(cpd_credits="0.3"), format="json"), 400)
    assert error["code"] == "invalid"
    assert "quarter steps" in error["fields"]["cpd_credits"][0]

    error = assert_error(client.post(ENTRIES, new_entry(items=[outside]), format="json"), 400)
    assert error["fields"]["items"] == [f"No such curriculum item: {outside}."]

    error = assert_error(client.post(ENTRIES, {"title": ""}, format="json"), 400)
    assert set(error["fields"]) == {"kind", "title", "date"}
    assert not LearningEntry.objects.exists()


def test_items_outside_the_trainees_curricula_are_refused(api_as, enrolled_trainee):
    from tests.factories import ItemFactory

    stray = ItemFactory(code="X1")
    response = api_as(enrolled_trainee).post(ENTRIES, new_entry(items=[stray.pk]), format="json")

    error = assert_error(response, 400, "invalid")
    assert "Not in the curricula of your programmes: X1" in error["fields"]["items"][0]


def test_mappings_are_replaced_with_item_ids(api_as, trainee, make_entry, fpcs):
    entry = make_entry(items=[fpcs["FPC1"]])

    response = api_as(trainee).put(
        f"{ENTRIES}{entry.pk}/mappings/",
        {"items": [fpcs["FPC2"].pk, fpcs["FPC3"].pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert sorted(response.json()["items"]) == sorted([fpcs["FPC2"].pk, fpcs["FPC3"].pk])


# --- Changing locked entries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (Status.SUBMITTED, "This entry is waiting for sign-off. Recall the request to change it."),
        (Status.SIGNED_OFF, "This entry is signed off, so it is locked."),
    ],
)
def test_changing_a_locked_entry_is_409_with_the_reason(
    api_as, trainee, make_entry, state, message
):
    entry = make_entry(state, title="Original")
    client = api_as(trainee)

    for response in (
        client.patch(f"{ENTRIES}{entry.pk}/", {"title": "Changed"}, format="json"),
        client.put(f"{ENTRIES}{entry.pk}/", new_entry(title="Changed"), format="json"),
        client.put(f"{ENTRIES}{entry.pk}/mappings/", {"items": []}, format="json"),
    ):
        error = assert_error(response, 409, "conflict")
        assert error["message"].startswith(message)
    entry.refresh_from_db()
    assert entry.title == "Original" and entry.status == state


@pytest.mark.parametrize("state", [Status.SUBMITTED, Status.RETURNED, Status.SIGNED_OFF])
def test_deleting_an_entry_once_submitted_is_409(api_as, trainee, make_entry, state):
    entry = make_entry(state)

    error = assert_error(api_as(trainee).delete(f"{ENTRIES}{entry.pk}/"), 409, "conflict")

    assert "never been submitted" in error["message"]
    assert LearningEntry.objects.filter(pk=entry.pk).exists()


# --- Reflections ----------------------------------------------------------------------------------

REFLECTION = ["reflection_what_happened", "reflection_learned", "reflection_next_time"]


def test_a_private_reflection_is_left_out_for_the_supervisor(
    api_as, trainee, supervisor, make_entry
):
    entry = make_entry(Status.SUBMITTED, reflection_learned="Private thoughts")

    for_supervisor = api_as(supervisor).get(f"{ENTRIES}{entry.pk}/").json()
    for_trainee = api_as(trainee).get(f"{ENTRIES}{entry.pk}/").json()

    assert not set(REFLECTION) & set(for_supervisor)
    assert "Private thoughts" not in str(for_supervisor)
    assert for_trainee["reflection_learned"] == "Private thoughts"
    assert not ReflectionView.objects.exists()


def test_a_shared_reflection_is_shown_to_the_supervisor_and_the_view_recorded(
    api_as, trainee, supervisor, make_entry
):
    entry = make_entry(
        Status.SUBMITTED, reflection_learned="Shared thoughts", reflection_shared=True
    )

    response = api_as(supervisor).get(f"{ENTRIES}{entry.pk}/")

    assert response.json()["reflection_learned"] == "Shared thoughts"
    assert list(ReflectionView.objects.values_list("entry", "viewer")) == [
        (entry.pk, supervisor.pk)
    ]
    # The trainee reading their own reflection is not a view.
    api_as(trainee).get(f"{ENTRIES}{entry.pk}/")
    assert ReflectionView.objects.count() == 1


def test_lists_never_carry_reflections(api_as, trainee, supervisor, make_entry):
    make_entry(Status.SUBMITTED, reflection_learned="Shared thoughts", reflection_shared=True)

    for user in (trainee, supervisor):
        (listed,) = api_as(user).get(ENTRIES).json()["results"]
        assert not set(REFLECTION) & set(listed)
    assert not ReflectionView.objects.exists()
