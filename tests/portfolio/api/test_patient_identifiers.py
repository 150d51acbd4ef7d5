"""A reflection that may identify a patient, written through the API: refused with the
warnings by the fields concerned until the request confirms, as the entry's page asks the
trainee to check and confirm. Warn, never block: confirming saves it."""

import pytest

from portfolio.models import LearningEntry, Status
from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES, new_entry

pytestmark = pytest.mark.django_db

# Passes the NHS number's modulus 11 check.
NHS_NUMBER = "943 476 5919"
FLAGGED = f"Patient {NHS_NUMBER} had sepsis."
ADVICE = (
    "It may identify a patient: remove anything that could, or send `identifiers_checked: "
    "true` if you are sure nobody can be identified from it."
)
UNCHECKED = "Check the reflection before saving: it looks as if it may identify a patient."


def test_logging_a_reflection_that_may_identify_a_patient_is_refused_until_confirmed(
    api_as, trainee
):
    client = api_as(trainee)
    body = new_entry(reflection_what_happened=FLAGGED, reflection_learned="DOB 12/03/1950")

    error = assert_error(client.post(ENTRIES, body, format="json"), 400, "invalid")

    assert error["fields"] == {
        "reflection_what_happened": ["It contains what looks like an NHS number.", ADVICE],
        "reflection_learned": ["It contains what looks like a date of birth.", ADVICE],
        "identifiers_checked": [UNCHECKED],
    }
    assert not LearningEntry.objects.exists()

    response = client.post(ENTRIES, {**body, "identifiers_checked": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["reflection_what_happened"] == FLAGGED
    assert "identifiers_checked" not in response.json()


def test_confirming_false_is_not_confirming(api_as, trainee):
    body = new_entry(reflection_next_time=FLAGGED, identifiers_checked=False)

    error = assert_error(api_as(trainee).post(ENTRIES, body, format="json"), 400, "invalid")

    assert set(error["fields"]) == {"reflection_next_time", "identifiers_checked"}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_changing_the_reflection_is_refused_until_confirmed_and_nothing_is_saved(
    api_as, trainee, make_entry, method
):
    entry = make_entry(reflection_learned="Escalate sooner.")
    client = api_as(trainee)
    body = new_entry(title="Changed too", reflection_learned="Hospital number K1234567")
    send = getattr(client, method)

    error = assert_error(send(f"{ENTRIES}{entry.pk}/", body, format="json"), 400, "invalid")

    assert error["fields"]["reflection_learned"] == [
        "It contains what looks like a hospital number.",
        ADVICE,
    ]
    entry.refresh_from_db()
    assert (entry.title, entry.reflection_learned) == ("Sepsis teaching", "Escalate sooner.")
    response = send(f"{ENTRIES}{entry.pk}/", {**body, "identifiers_checked": True}, format="json")
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.reflection_learned == "Hospital number K1234567"


def test_a_patch_that_leaves_a_confirmed_reflection_alone_is_not_asked_again(
    api_as, trainee, make_entry
):
    entry = make_entry(reflection_what_happened=FLAGGED)

    response = api_as(trainee).patch(f"{ENTRIES}{entry.pk}/", {"title": "New"}, format="json")

    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.title == "New" and entry.reflection_what_happened == FLAGGED


def test_only_the_reflection_is_checked_as_on_the_page(api_as, trainee):
    body = new_entry(description=f"Seen with {NHS_NUMBER}", reflection_learned="Lactate early.")

    assert api_as(trainee).post(ENTRIES, body, format="json").status_code == 201


def test_an_ordinary_reflection_is_saved_without_a_word(api_as, trainee, make_entry):
    entry = make_entry()
    text = "Teaching on 12/03/2026 about FPC1. I will re-read the NICE sepsis guideline."

    response = api_as(trainee).patch(
        f"{ENTRIES}{entry.pk}/", {"reflection_learned": text}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["reflection_learned"] == text


def test_confirming_does_not_unlock_an_entry_waiting_for_sign_off(api_as, trainee, make_entry):
    entry = make_entry(Status.SUBMITTED)

    response = api_as(trainee).patch(
        f"{ENTRIES}{entry.pk}/",
        {"reflection_learned": FLAGGED, "identifiers_checked": True},
        format="json",
    )

    assert_error(response, 409, "conflict")


def test_the_schema_documents_the_confirmation_and_the_refusal(api_as):
    schema = api_as(None).get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["EntryCreateRequest"]["properties"]
    assert fields["identifiers_checked"]["type"] == "boolean"
    assert "patient" in fields["identifiers_checked"]["description"]
    for method in ("post", "put", "patch"):
        path = ENTRIES if method == "post" else f"{ENTRIES}{{id}}/"
        refusal = schema["paths"][path][method]["responses"]["400"]
        assert "identifiers_checked" in refusal["description"]
    examples = schema["paths"][ENTRIES]["post"]["responses"]["400"]["content"]["application/json"]
    assert "identifiers_checked" in str(examples["examples"])
