"""Thumbnails of images: made by a task once the upload commits, once, by Waymark alone."""

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from PIL import Image

from portfolio import services
from portfolio.tasks import make_evidence_thumbnail, process_evidence_file
from tests.portfolio.evidence.conftest import add, read_stored, upload_only
from tests.portfolio.evidence.files import image_bytes, mp3_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def test_a_thumbnail_is_made_by_a_task_once_the_upload_commits(
    entry, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = upload_only(entry, "lesion.png", image_bytes("PNG", size=(800, 600)))
        assert not evidence.thumbnail  # not before commit

    evidence.refresh_from_db()
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.webp", evidence.thumbnail.name)
    thumbnail = Image.open(io.BytesIO(read_stored(evidence, "thumbnail")))
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (320, 240))


def test_the_thumbnail_task_can_run_twice_without_harm(
    entry, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(entry, "lesion.jpg", image_bytes("JPEG", size=(400, 400)))
    files = stored()
    assert len(files) == 2

    assert make_evidence_thumbnail(evidence.pk) is False
    assert stored() == files


def test_the_thumbnail_task_skips_evidence_that_is_gone_or_not_an_image(entry):
    pdf = add(entry, "notes.pdf", pdf_bytes())
    assert make_evidence_thumbnail(pdf.pk) is False
    assert make_evidence_thumbnail(pdf.pk + 1000) is False
    pdf.refresh_from_db()
    assert not pdf.thumbnail


def test_processing_with_its_thumbnail_is_queued_for_images_only(
    entry, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(process_evidence_file, "apply_async", lambda args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        upload_only(entry, "notes.pdf", pdf_bytes())
        upload_only(entry, "reflection.mp3", mp3_bytes())
        image = upload_only(entry, "lesion.webp", image_bytes("WEBP"))
        assert queued == []  # tasks are published only once the rows are committed
    assert queued == [(image.pk,)]


def test_thumbnails_are_made_by_waymark_not_by_a_person(entry, trainee):
    evidence = add(entry, "lesion.png", image_bytes("PNG", size=(80, 60)))
    with pytest.raises(PermissionDenied):
        services.store_evidence_thumbnail(evidence_id=evidence.pk, actor=trainee)
