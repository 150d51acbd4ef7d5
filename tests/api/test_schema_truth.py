"""The schema says what the API answers. Each kind of disagreement the schema fuzzing run
(test_schema_fuzz.py, `make fuzz`) found is pinned here, in the ordinary suite: what the
schema documents, and the answer it documents."""

import re

import jsonschema
import pytest

from core.api import MAX_ID
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/events/"


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def conforms(body, schema, component):
    """The body is valid against one of the schema's components."""
    jsonschema.validate(
        body, {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    )


@pytest.fixture
def trainee_api(trainee, make_token):
    _, secret = make_token(trainee)
    return token_client(secret)


# --- Errors every operation can answer with -------------------------------------------------------


def test_every_operation_documents_401_and_429(schema):
    for method, path, operation in operations(schema):
        assert {"401", "429"} <= set(operation["responses"]), f"{method} {path}"


def test_every_operation_with_an_id_in_its_path_documents_404(schema):
    for method, path, operation in operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], f"{method} {path}"


def test_a_body_in_a_type_the_operation_does_not_read_is_a_documented_415(schema, trainee_api, log):
    for method, path, operation in operations(schema):
        if method in ("POST", "PUT", "PATCH"):
            assert "415" in operation["responses"], f"{method} {path}"

    entry = log()
    response = trainee_api.post(
        f"/api/v1/events/{entry.pk}/evidence/", "just text", content_type="text/plain"
    )

    assert_error(response, 415, "unsupported_media_type")


def test_a_public_operation_refuses_a_token_that_is_not_valid(schema):
    assert "401" in schema["paths"]["/api/v1/frameworks/"]["get"]["responses"]

    response = token_client("wm_not-a-token").get("/api/v1/frameworks/")

    assert_error(response, 401, "authentication_failed")


def test_a_page_that_does_not_exist_is_a_documented_404(schema, trainee_api):
    for method, path, operation in operations(schema):
        if any(p["name"] == "page" for p in operation.get("parameters", [])):
            assert "404" in operation["responses"], f"{method} {path}"

    for page in ("0", "abc", "99"):
        error = assert_error(trainee_api.get(f"{ENTRIES}?page={page}"), 404, "not_found")
        assert error["message"] == "Invalid page."


def test_a_filter_value_that_is_not_valid_is_a_documented_400(schema, trainee_api):
    assert "400" in schema["paths"]["/api/v1/items/"]["get"]["responses"]
    assert "400" in schema["paths"]["/api/v1/teaching-sessions/"]["get"]["responses"]

    error = assert_error(trainee_api.get("/api/v1/items/?framework=0"), 400, "invalid")
    assert set(error["fields"]) == {"framework"}


# --- Errors of one operation ----------------------------------------------------------------------


def test_coverage_documents_its_400_and_answers_it_with_a_list_of_messages(
    schema, enrolled_trainee, make_token
):
    programme = enrolled_trainee.enrolments.get().programme
    _, secret = make_token(enrolled_trainee)
    responses = schema["paths"]["/api/v1/programmes/{id}/coverage/"]["get"]["responses"]
    assert {"400", "404"} <= set(responses)

    response = token_client(secret).get(f"/api/v1/programmes/{programme.pk}/coverage/?trainee=x")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"trainee": ["A user id is a whole number."]}
    conforms(response.json(), schema, "Error")


def test_a_programme_id_that_is_not_a_number_is_not_found_rather_than_a_server_error(
    trainee_api,
):
    assert_error(trainee_api.get("/api/v1/programmes/null,null/coverage/"), 404, "not_found")


@pytest.mark.parametrize("item", [MAX_ID + 1, 0, -3])
def test_an_item_id_no_row_can_have_is_refused_rather_than_a_server_error(
    enrolled_trainee, make_token, frozen_today, item
):
    _, secret = make_token(enrolled_trainee)
    body = {"kind": "teaching_attended", "title": "Sepsis", "date": str(frozen_today)}

    response = token_client(secret).post(ENTRIES, {**body, "items": [item]}, format="json")

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]["items"]) == {"0"}


def test_problems_with_a_lists_items_are_by_position_as_the_schema_says(
    schema, enrolled_trainee, make_token, frozen_today
):
    _, secret = make_token(enrolled_trainee)
    body = {"kind": "teaching_attended", "title": "Sepsis", "date": str(frozen_today)}

    response = token_client(secret).post(ENTRIES, {**body, "tags": ["ok", "x" * 51]}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"tags": {"1": ["Ensure this field has no more than 50 characters."]}}
    conforms(response.json(), schema, "Error")


# --- Values as the API writes them ----------------------------------------------------------------


def test_an_entrys_time_is_documented_as_a_time_of_day_without_an_offset(
    schema, enrolled_trainee, make_token, frozen_today
):
    time = schema["components"]["schemas"]["EntryDetail"]["properties"]["time"]
    assert "format" not in time
    _, secret = make_token(enrolled_trainee)
    body = {"kind": "teaching_attended", "title": "Sepsis", "date": str(frozen_today)}

    response = token_client(secret).post(ENTRIES, {**body, "time": "14:30"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["time"] == "14:30:00"
    assert re.fullmatch(time["pattern"], "14:30:00")
    assert not re.fullmatch(time["pattern"], "25:00:00")


def test_a_links_url_is_a_uri_and_a_files_is_documented_as_empty(schema, trainee_api, log):
    url = schema["components"]["schemas"]["Evidence"]["properties"]["url"]
    assert {"type": "string", "format": "uri"} in url["anyOf"]
    assert {"type": "string", "enum": [""]} in url["anyOf"]

    entry = log()
    response = trainee_api.post(
        f"{ENTRIES}{entry.pk}/evidence/", {"url": "https://example.org/"}, format="json"
    )
    assert response.status_code == 201, response.content
    # A URL field that may not be blank stays a plain URI.
    link = schema["components"]["schemas"]["EvidenceLinkRequest"]["properties"]["url"]
    assert link["format"] == "uri" and "anyOf" not in link


def test_a_download_is_documented_with_the_files_own_type(schema):
    download = schema["paths"]["/api/v1/evidence/{id}/download/"]["get"]["responses"]["200"]
    assert list(download["content"]) == ["*/*"]


# --- Requests as the API reads them ---------------------------------------------------------------


# Writes that may bring a file as well as JSON's fields: a badge image or an issuer's logo,
# or a baked badge image to check.
MULTIPART_TOO = {
    "/api/v1/badge-classes/",
    "/api/v1/badge-classes/{id}/",
    "/api/v1/organisations/{slug}/issuer/",
    "/api/v1/credential-checks/",
    "/api/v1/external-badges/",
}


def test_request_bodies_are_documented_as_json_and_a_file_as_multipart(schema):
    for method, path, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        expected = {"application/json"}
        if path == "/api/v1/events/{id}/evidence/":
            expected.add("multipart/form-data")
        if path in MULTIPART_TOO:
            expected.add("multipart/form-data")
        if path in ("/api/v1/reading-lists/preview/", "/api/v1/imports/"):
            expected = {"multipart/form-data"}  # a file and nothing else
        assert set(operation["requestBody"]["content"]) == expected, f"{method} {path}"


def test_the_register_takes_no_filters_nor_pages_and_at_least_one_trainee(schema):
    register = schema["paths"]["/api/v1/teaching-sessions/{id}/register/"]["post"]
    assert [p["name"] for p in register["parameters"]] == ["id"]
    trainees = schema["components"]["schemas"]["RegisterRequest"]["properties"]["trainees"]
    assert trainees["minItems"] == 1


def test_a_check_in_code_is_documented_as_six_digits_perhaps_spaced(schema):
    code = schema["components"]["schemas"]["CheckInRequest"]["properties"]["code"]
    for typed in ("042917", "042 917", " 0 4 2 9 1 7 "):
        assert re.fullmatch(code["pattern"], typed), typed
    for typed in ("04291", "0429170", "abcdef"):
        assert not re.fullmatch(code["pattern"], typed), typed
