"""Evidence through the API: files and links added, listed, downloaded and removed."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portfolio import services
from portfolio.models import Evidence, Status
from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES, png

pytestmark = pytest.mark.django_db


# --- Evidence -------------------------------------------------------------------------------------


def test_upload_a_png_and_download_it_as_an_attachment(
    api_as, trainee, supervisor, make_entry, evidence_storage, django_capture_on_commit_callbacks
):
    entry = make_entry()
    client = api_as(trainee)
    upload = SimpleUploadedFile("Chest X-ray.png", png(), content_type="image/png")

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            f"{ENTRIES}{entry.pk}/evidence/", {"file": upload, "title": "CXR"}, format="multipart"
        )

    assert response.status_code == 201, response.content
    evidence = response.json()
    # Answered before the image is decoded: processing, and nothing to download yet.
    assert (evidence["state"], evidence["sha256"], evidence["download_url"]) == (
        "processing",
        "",
        None,
    )
    response = client.get(f"/api/v1/evidence/{evidence['id']}/download/")
    assert_error(response, 409, "conflict")
    for task in queued:
        task()  # the worker's turn

    evidence = client.get(f"/api/v1/evidence/{evidence['id']}/").json()
    assert evidence["state"] == "ready" and evidence["refusal"] == ""
    assert evidence["kind"] == "file" and evidence["title"] == "CXR"
    assert evidence["content_type"] == "image/png" and evidence["size"] > 0
    assert evidence["download_url"].endswith(f"/api/v1/evidence/{evidence['id']}/download/")
    assert client.get(f"{ENTRIES}{entry.pk}/evidence/").json() == [evidence]
    assert client.get(f"/api/v1/evidence/{evidence['id']}/").json() == evidence

    response = client.get(f"/api/v1/evidence/{evidence['id']}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Chest X-ray.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    # Reading a streamed response to the end closes it (and its file).
    content = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(content)).size == (8, 8)
    assert hashlib.sha256(content).hexdigest() == evidence["sha256"]

    # Once the entry is submitted, the supervisor can fetch it too, whatever they say they accept.
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    response = api_as(supervisor).get(
        f"/api/v1/evidence/{evidence['id']}/download/", HTTP_ACCEPT="image/png"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


def test_a_download_refused_is_a_json_404_whatever_the_client_accepts(
    api_as, trainee, other_trainee, make_entry, evidence_storage
):
    entry = make_entry()
    evidence = services.add_file_evidence(
        entry=entry, actor=trainee, uploaded_file=SimpleUploadedFile("a.png", png())
    )

    response = api_as(other_trainee).get(
        f"/api/v1/evidence/{evidence.pk}/download/", HTTP_ACCEPT="image/png"
    )

    assert_error(response, 404, "not_found")


def test_a_file_that_is_not_what_it_says_is_refused(api_as, trainee, make_entry, evidence_storage):
    entry = make_entry()
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not really", content_type="image/png")

    response = api_as(trainee).post(
        f"{ENTRIES}{entry.pk}/evidence/", {"file": fake}, format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    assert "file" in error["fields"]
    assert not Evidence.objects.exists()


def test_link_evidence_added_listed_and_removed(api_as, trainee, make_entry):
    entry = make_entry()
    client = api_as(trainee)

    response = client.post(
        f"{ENTRIES}{entry.pk}/evidence/",
        {"url": "https://www.nice.org.uk/guidance/ng51", "title": "NG51"},
        format="json",
    )
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["kind"] == "link" and link["download_url"] is None
    assert_error(client.get(f"/api/v1/evidence/{link['id']}/download/"), 404, "not_found")

    error = assert_error(
        client.post(
            f"{ENTRIES}{entry.pk}/evidence/", {"url": "javascript:alert(1)"}, format="json"
        ),
        400,
    )
    assert "url" in error["fields"]
    error = assert_error(
        client.post(f"{ENTRIES}{entry.pk}/evidence/", {"file": "x", "url": "https://a.org"}), 400
    )
    assert error["fields"] == {"non_field_errors": ["Send a file or a link, not both."]}

    assert client.delete(f"/api/v1/evidence/{link['id']}/").status_code == 204
    assert client.get(f"{ENTRIES}{entry.pk}/evidence/").json() == []


def test_evidence_cannot_be_added_to_a_locked_entry(api_as, trainee, make_entry):
    entry = make_entry(Status.SUBMITTED)

    response = api_as(trainee).post(
        f"{ENTRIES}{entry.pk}/evidence/", {"url": "https://example.org"}, format="json"
    )

    assert_error(response, 409, "conflict")
