"""The exports API: POST answers 202 with the export's id; its own address gives status,
progress and, once done, where to download it; only the owner sees or downloads it."""

import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

from exports.models import Export
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/exports/"


@pytest.fixture
def api(enrolled_trainee):
    client = APIClient()
    client.force_authenticate(enrolled_trainee)
    return client


def test_a_pdf_is_accepted_made_and_downloaded(
    api, enrolled_trainee, foundation, django_capture_on_commit_callbacks
):
    item = foundation.items.get(code="HLO1")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            EXPORTS,
            {"format": "pdf", "kinds": ["reading"], "items": [item.pk], "signed_off_only": True},
            format="json",
        )

    assert response.status_code == 202
    assert response.data["status"] == "queued"  # as it was when the request was answered
    assert response.data["download_url"] is None
    export_id = response.data["id"]

    status = api.get(f"{EXPORTS}{export_id}/").data
    assert (status["status"], status["progress"]) == ("done", 100)
    assert status["filters"]["items"] == [item.pk]
    assert status["download_url"] == f"http://127.0.0.1:8000{EXPORTS}{export_id}/download/"

    download = api.get(f"{EXPORTS}{export_id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_an_archive_is_accepted_made_and_downloaded_as_a_zip(
    api, log, django_capture_on_commit_callbacks
):
    log(title="Sepsis teaching")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(EXPORTS, {"format": "archive"}, format="json")

    assert response.status_code == 202
    status = api.get(f"{EXPORTS}{response.data['id']}/").data
    assert (status["status"], status["progress"]) == ("done", 100)

    download = api.get(f"{EXPORTS}{response.data['id']}/download/")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        document = json.loads(archive.read("portfolio.json"))
    assert [entry["title"] for entry in document["entries"]] == ["Sepsis teaching"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "format"),
        ({"format": "docx"}, "format"),
        ({"format": "pdf", "date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"format": "pdf", "date_from": "yesterday"}, "date_from"),
        ({"format": "pdf", "kinds": ["gardening"]}, "kinds"),
        ({"format": "pdf", "items": [999999]}, "items"),
    ],
)
def test_invalid_requests_are_refused_by_field(api, body, field):
    error = assert_error(api.post(EXPORTS, body, format="json"), 400, "invalid")

    assert list(error["fields"]) == [field]
    assert not Export.objects.exists()


def test_the_list_holds_only_the_callers_exports(api, other_trainee):
    mine = api.post(EXPORTS, {"format": "pdf"}, format="json").data["id"]
    others = APIClient()
    others.force_authenticate(other_trainee)
    theirs = others.post(EXPORTS, {"format": "pdf"}, format="json").data["id"]

    assert [e["id"] for e in api.get(EXPORTS).data["results"]] == [mine]
    assert_error(api.get(f"{EXPORTS}{theirs}/"), 404, "not_found")
    assert_error(api.get(f"{EXPORTS}{theirs}/download/"), 404, "not_found")


def test_signed_out_callers_are_refused(enrolled_trainee):
    assert_error(APIClient().post(EXPORTS, {"format": "pdf"}, format="json"), 401)
