"""What the entry's page shows besides the entry, through the API: who has read the shared
reflection (for the trainee alone), and the previews of image evidence."""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from portfolio import services
from portfolio.models import Evidence, ReflectionView, Status
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import SupervisionFactory
from tests.portfolio.api.conftest import ENTRIES
from tests.portfolio.evidence.files import pdf_bytes

pytestmark = pytest.mark.django_db


# --- Who has read the reflection ------------------------------------------------------------------


@pytest.fixture
def shared(make_entry):
    return make_entry(
        Status.SUBMITTED, reflection_learned="Escalate sooner.", reflection_shared=True
    )


def test_the_trainee_reads_who_has_read_their_shared_reflection(
    api_as, trainee, supervisor, org_a, shared
):
    second = member(org_a, "supervisor", full_name="Dr Second Reader")
    SupervisionFactory(supervisor=second, trainee=trainee, organisation=org_a)
    as_trainee = api_as(trainee)
    assert as_trainee.get(f"{ENTRIES}{shared.pk}/reflection-reads/").json() == []

    # Reading the entry with its reflection is what records a reading, as on the page.
    api_as(supervisor).get(f"{ENTRIES}{shared.pk}/")
    api_as(second).get(f"{ENTRIES}{shared.pk}/")
    api_as(supervisor).get(f"{ENTRIES}{shared.pk}/")
    response = as_trainee.get(f"{ENTRIES}{shared.pk}/reflection-reads/")

    assert response.status_code == 200, response.content
    reads = response.json()
    # Each reader once, at their latest reading, latest first.
    assert [r["reader"]["id"] for r in reads] == [supervisor.pk, second.pk]
    assert reads[1]["reader"]["name"] == "Dr Second Reader"
    latest = ReflectionView.objects.filter(viewer=supervisor).latest("viewed_at").viewed_at
    assert datetime.fromisoformat(reads[0]["read_at"]) == latest


@pytest.mark.parametrize("who", ["supervisor", "other_trainee", "other_supervisor", "org_admin"])
def test_nobody_but_the_trainee_finds_the_log(api_as, people, shared, who):
    response = api_as(people[who]).get(f"{ENTRIES}{shared.pk}/reflection-reads/")

    assert_error(response, 404, "not_found")


# --- Previews of images ---------------------------------------------------------------------------


def attach(entry, trainee, name, content, content_type):
    """Evidence added and processed, as a worker would once it is committed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        evidence = services.add_file_evidence(
            entry=entry,
            actor=trainee,
            uploaded_file=SimpleUploadedFile(name, content, content_type=content_type),
        )
    evidence.refresh_from_db()
    return evidence


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, "JPEG")
    return out.getvalue()


def test_an_image_has_a_preview_for_whoever_may_download_it(
    api_as, trainee, supervisor, make_entry, evidence_storage
):
    entry = make_entry()
    evidence = attach(entry, trainee, "rash.jpg", photo(), "image/jpeg")
    assert evidence.thumbnail
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)

    for person in (trainee, supervisor):
        response = api_as(person).get(f"/api/v1/evidence/{evidence.pk}/thumbnail/")

        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert not response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private, no-store"
        preview = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert preview.format == "WEBP" and max(preview.size) < 640


def test_a_pdf_a_link_and_an_image_still_processed_have_no_preview(
    api_as, trainee, make_entry, evidence_storage
):
    entry = make_entry()
    pdf = attach(entry, trainee, "certificate.pdf", pdf_bytes(), "application/pdf")
    link = services.add_link_evidence(entry=entry, actor=trainee, url="https://example.org/")
    waiting = services.add_file_evidence(
        entry=entry,
        actor=trainee,
        uploaded_file=SimpleUploadedFile("later.jpg", photo(), content_type="image/jpeg"),
    )
    assert Evidence.objects.get(pk=waiting.pk).state == Evidence.State.PROCESSING
    client = api_as(trainee)

    for evidence in (pdf, link, waiting):
        assert_error(client.get(f"/api/v1/evidence/{evidence.pk}/thumbnail/"), 404, "not_found")


@pytest.mark.parametrize("who", ["other_trainee", "other_supervisor", "org_admin"])
def test_nobody_else_finds_a_preview(api_as, people, make_entry, evidence_storage, who):
    entry = make_entry()
    evidence = attach(entry, people["trainee"], "rash.jpg", photo(), "image/jpeg")

    response = api_as(people[who]).get(f"/api/v1/evidence/{evidence.pk}/thumbnail/")

    assert_error(response, 404, "not_found")


def test_a_preview_of_a_draft_is_the_trainees_alone(
    api_as, trainee, supervisor, make_entry, evidence_storage
):
    evidence = attach(make_entry(), trainee, "rash.jpg", photo(), "image/jpeg")

    assert_error(
        api_as(supervisor).get(f"/api/v1/evidence/{evidence.pk}/thumbnail/"), 404, "not_found"
    )
