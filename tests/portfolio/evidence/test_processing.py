"""Uploaded images are decoded by a worker, never in the web request: the request stores the
upload as it came, `processing` and never served; the worker re-encodes it and makes its
thumbnail, or refuses it with the reason. A sign-off waits for it, and hashes what is kept."""

import hashlib
import io
import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, ImageFile

from audit.models import AuditEntry
from portfolio import evidence as evidence_files
from portfolio import images, services
from portfolio.content import canonical_content, sign_off_matches
from portfolio.models import Evidence, SignOff
from portfolio.services import evidence as evidence_services
from portfolio.tasks import process_evidence_file, process_pending_evidence
from tests.portfolio.evidence.conftest import read_stored, signed_off, upload_only
from tests.portfolio.evidence.files import image_bytes, photo_with_gps, png_declaring, upload

pytestmark = pytest.mark.django_db

IMAGES = {
    "png": ("lesion.png", lambda: image_bytes("PNG", size=(1200, 900))),
    "jpeg": ("lesion.jpg", lambda: photo_with_gps(size=(1200, 900))),
    "webp": ("lesion.webp", lambda: image_bytes("WEBP", size=(1200, 900))),
}


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if anything decodes pixels or re-encodes an image."""

    def decode(image):
        raise AssertionError(f"{image.size} pixels were decoded in the request")

    def reencode(image, pillow_format):
        raise AssertionError("an image was re-encoded in the request")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    monkeypatch.setattr(images, "reencode", reencode)


def noisy_jpeg(size=(200, 200), quality=75) -> bytes:
    """A JPEG of noise: large for its pixels, and larger again once re-encoded at
    Waymark's quality if saved at a lower one."""
    noise = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def worker_runs(callbacks):
    """What a worker does once the upload's transaction commits."""
    for callback in callbacks:
        callback()


@pytest.mark.parametrize(("name", "make"), IMAGES.values(), ids=IMAGES)
def test_the_upload_request_decodes_no_pixels_and_keeps_the_upload_aside(
    entry, stored, no_decoding, name, make
):
    content = make()

    evidence = upload_only(entry, name, content, title="Lesion, day 3")

    evidence.refresh_from_db()
    assert (evidence.state, evidence.title, evidence.original_name) == (
        "processing",
        "Lesion, day 3",
        name,
    )
    assert evidence.sha256 == "" and evidence.size == len(content)
    assert evidence.file.name.startswith("incoming/") and stored() == [evidence.file.name]
    assert read_stored(evidence) == content
    added = AuditEntry.objects.get(action="add_evidence")
    assert added.payload["state"] == "processing"
    assert added.payload["upload_sha256"] == hashlib.sha256(content).hexdigest()


def test_the_worker_stores_the_clean_image_and_its_thumbnail_and_deletes_the_upload(
    entry, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        evidence = upload_only(entry, "lesion.jpg", photo_with_gps(size=(640, 480)))
    upload_name = evidence.file.name

    with django_capture_on_commit_callbacks(execute=True):
        worker_runs(queued)
        assert upload_name in stored()  # removed only once the result has committed

    evidence.refresh_from_db()
    kept = read_stored(evidence)
    assert evidence.state == "ready" and evidence.file.name.startswith("evidence/")
    assert (evidence.size, evidence.sha256) == (len(kept), hashlib.sha256(kept).hexdigest())
    clean = Image.open(io.BytesIO(kept))
    assert clean.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {} and b"PhoneCo" not in kept
    assert Image.open(io.BytesIO(read_stored(evidence, "thumbnail"))).size == (320, 240)
    assert stored() == sorted([evidence.file.name, evidence.thumbnail.name])
    processed = AuditEntry.objects.get(action="process_evidence")
    assert processed.actor is None
    assert processed.payload["sha256"] == evidence.sha256
    # Done is done: the task run again changes nothing.
    assert process_evidence_file(evidence.pk) is False
    assert stored() == sorted([evidence.file.name, evidence.thumbnail.name])


def test_processing_is_waymarks_alone(entry, trainee):
    evidence = upload_only(entry, "lesion.png", image_bytes("PNG"))
    with pytest.raises(PermissionDenied):
        services.process_evidence(evidence_id=evidence.pk, actor=trainee)


REFUSED_BY_THE_WORKER = {
    # A valid header and checksums, and 36 million pixels declared from 4 KB of data.
    "decompression-bomb": ("scan.png", lambda: png_declaring(6000, 6000)),
    "truncated-jpeg": ("scan.jpg", lambda: noisy_jpeg()[:20_000]),
}


@pytest.mark.parametrize(
    ("name", "make"), REFUSED_BY_THE_WORKER.values(), ids=REFUSED_BY_THE_WORKER
)
def test_an_image_that_does_not_decode_is_refused_by_the_worker_saying_why(
    entry, stored, name, make, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = upload_only(entry, name, make(), title="Ward whiteboard")

    evidence.refresh_from_db()
    assert (evidence.state, evidence.title) == ("refused", "Ward whiteboard")
    assert evidence.refusal == f"“{name}” could not be read as an image; it may be damaged."
    assert not evidence.file and evidence.size == 0 and stored() == []
    assert AuditEntry.objects.filter(action="refuse_evidence").count() == 1
    # Refused evidence is no part of what a sign-off vouches for.
    assert canonical_content(entry)["evidence"] == []


def test_a_processed_image_that_would_overflow_the_quota_is_refused(
    entry, stored, settings, django_capture_on_commit_callbacks
):
    content = noisy_jpeg(quality=20)
    settings.EVIDENCE_QUOTA_BYTES = len(content) + 100

    with django_capture_on_commit_callbacks(execute=True):
        evidence = upload_only(entry, "noise.jpg", content)

    evidence.refresh_from_db()
    assert evidence.state == "refused" and "not enough space left" in evidence.refusal
    assert stored() == []


def test_an_upload_that_never_finishes_processing_is_refused_after_three_tries(
    entry, stored, monkeypatch
):
    evidence = upload_only(entry, "lesion.png", image_bytes("PNG"))

    def worker_lost(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(evidence_services, "clean_image", worker_lost)
    for attempt in range(1, 4):
        with pytest.raises(MemoryError):
            process_evidence_file(evidence.pk)
        evidence.refresh_from_db()
        assert (evidence.state, evidence.processing_attempts) == ("processing", attempt)

    assert process_evidence_file(evidence.pk) is True
    evidence.refresh_from_db()
    assert evidence.state == "refused" and "could not be processed" in evidence.refusal


def test_the_sweep_processes_uploads_the_broker_never_delivered(entry):
    waiting = upload_only(entry, "lesion.png", image_bytes("PNG"))
    just_sent = upload_only(entry, "lesion.webp", image_bytes("WEBP"))
    Evidence.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert process_pending_evidence() == 1

    states = dict(Evidence.objects.values_list("pk", "state"))
    assert states == {waiting.pk: "ready", just_sent.pk: "processing"}


def test_evidence_removed_while_processing_is_gone_for_the_worker_too(
    entry, trainee, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        evidence = upload_only(entry, "lesion.png", image_bytes("PNG"))
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(evidence=evidence, actor=trainee)

    worker_runs(queued)

    assert not Evidence.objects.exists() and stored() == []


def test_an_upload_is_never_served_while_it_is_processed(client, entry, trainee):
    evidence = upload_only(entry, "lesion.png", image_bytes("PNG"))
    client.force_login(trainee)

    assert client.get(reverse("portfolio:evidence_download", args=[evidence.pk])).status_code == 404
    response = client.get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "This file is still being processed; try again in a moment."
    )


def test_sign_off_waits_for_processing_and_hashes_the_file_as_kept(
    entry, trainee, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        evidence = upload_only(entry, "lesion.jpg", photo_with_gps())

    with pytest.raises(services.TransitionNotAllowed, match="still being processed"):
        services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    entry.refresh_from_db()
    assert entry.status == "draft"

    with django_capture_on_commit_callbacks(execute=True):
        worker_runs(queued)
    entry = signed_off(entry, trainee, supervisor)

    evidence.refresh_from_db()
    kept = hashlib.sha256(read_stored(evidence)).hexdigest()
    assert canonical_content(entry)["evidence"] == [
        {"kind": "file", "name": "lesion.jpg", "sha256": kept, "title": ""}
    ]
    sign_off = SignOff.objects.get(entry=entry)
    assert sign_off_matches(sign_off) and sign_off.hash_version == 2


def test_the_entry_page_shows_processing_and_refusals_to_the_trainee_only(
    client, entry, trainee, supervisor, django_capture_on_commit_callbacks
):
    processing = upload_only(entry, "lesion.png", image_bytes("PNG"), title="Day 1")
    with django_capture_on_commit_callbacks(execute=True):
        upload_only(entry, "scan.png", png_declaring(6000, 6000), title="Day 2")
    client.force_login(trainee)

    page = client.get(entry.get_absolute_url()).text

    assert "Day 1 <span" in page and "being checked" in page
    assert "Day 2 could not be added:" in page
    assert "“scan.png” could not be read as an image; it may be damaged." in page
    assert reverse("portfolio:evidence_delete", args=[processing.pk]) in page

    Evidence.objects.filter(pk=processing.pk).delete()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    client.force_login(supervisor)
    page = client.get(entry.get_absolute_url()).text
    assert "Day 2" not in page and "No evidence attached." in page


def test_adding_an_image_on_the_page_says_it_is_being_checked(client, entry, trainee):
    client.force_login(trainee)

    response = client.post(
        reverse("portfolio:evidence_add", args=[entry.pk]),
        {"title": "Rash", "file": upload("rash.png", image_bytes("PNG"))},
        follow=True,
    )

    assert "Evidence added. Waymark is checking the image" in response.text
    assert Evidence.objects.get().state == "processing"


def test_clean_image_takes_a_pixel_limit_of_its_own(settings):
    settings.EVIDENCE_MAX_PIXELS = 40_000_000
    with pytest.raises(ValidationError) as refused:
        evidence_files.clean_image(
            io.BytesIO(image_bytes("PNG", size=(101, 100))), name="badge.png", max_pixels=100 * 100
        )
    assert "at most 0.01 million pixels" in refused.value.message_dict["file"][0]


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_the_page_says_at_once_how_the_image_fared(client, entry, trainee):
    # As in development: the upload commits, and its task runs in the web process.
    client.force_login(trainee)
    url = reverse("portfolio:evidence_add", args=[entry.pk])

    added = client.post(url, {"file": upload("rash.png", image_bytes("PNG"))}, follow=True)
    refused = client.post(url, {"file": upload("scan.png", png_declaring(6000, 6000))}, follow=True)

    assert "Evidence added." in added.text and "checking the image" not in added.text
    assert "“scan.png” could not be read as an image; it may be damaged." in refused.text
