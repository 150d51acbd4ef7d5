"""Evidence files that are refused, with a message, and nothing stored: wrong types,
attacks, too many pixels, too many bytes, a full quota, a failed write."""

import time

import pytest
from django.core.exceptions import ValidationError
from PIL import ImageFile

from audit import services as audit
from portfolio import services
from portfolio.models import Evidence
from tests.portfolio.evidence.conftest import add
from tests.portfolio.evidence.files import (
    HTML,
    SVG_WITH_SCRIPT,
    image_bytes,
    mp3_bytes,
    pdf_bytes,
    png_declaring,
    upload,
)

pytestmark = pytest.mark.django_db


REFUSED_TYPE = "not a file type Waymark accepts: PDF, PNG, JPEG, WebP, MP3, M4A or MP4"
ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00"
ATTACKS = {
    "svg-with-script": ("diagram.svg", SVG_WITH_SCRIPT, "image/svg+xml", REFUSED_TYPE),
    "html-renamed-jpg": ("photo.jpg", HTML, "image/jpeg", REFUSED_TYPE),
    "pdf-renamed-png": (
        "scan.png",
        pdf_bytes(),
        "image/png",
        "is a PDF document, but its name says a PNG",
    ),
    "text": ("notes.txt", b"just some notes", "text/plain", REFUSED_TYPE),
    "zip": ("notes.pdf", b"PK\x03\x04" + bytes(100), "application/pdf", REFUSED_TYPE),
    "broken-pdf": (
        "notes.pdf",
        b"%PDF-1.7\n" + HTML,
        "application/pdf",
        "could not be read as a PDF",
    ),
    "encrypted-pdf": (
        "locked.pdf",
        pdf_bytes(password="secret"),
        "application/pdf",
        "password-protected",
    ),
    "broken-png": (
        "lesion.png",
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        "image/png",
        "could not be read as an image",
    ),
    "truncated-png": (
        "lesion.png",
        image_bytes("PNG")[:-30],
        "image/png",
        "could not be read as an image",
    ),
    "id3-then-html": ("talk.mp3", ID3 + HTML * 20, "audio/mpeg", "could not be read as an MP3"),
    "mp4-without-movie": (
        "talk.mp4",
        b"\x00\x00\x00\x18ftypisom" + bytes(200),
        "video/mp4",
        "could not be read as an MP4",
    ),
    "heic": (
        "photo.heic",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
        "image/heic",
        REFUSED_TYPE,
    ),
    "empty": ("empty.pdf", b"", "application/pdf", "is empty"),
}


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"), ATTACKS.values(), ids=ATTACKS
)
def test_upload_attacks_are_refused_with_a_message_and_nothing_is_stored(
    entry, stored, name, content, content_type, message
):
    with pytest.raises(ValidationError) as refused:
        services.add_file_evidence(
            entry=entry, actor=entry.trainee, uploaded_file=upload(name, content, content_type)
        )
    assert message in refused.value.message_dict["file"][0]
    assert name in refused.value.message_dict["file"][0]
    assert not Evidence.objects.exists()
    assert stored() == []


# 10^10 pixels is past Pillow's own refusal; 64 million is past only Waymark's 40 million.
@pytest.mark.parametrize("side", [100_000, 8_000])
def test_a_png_decompression_bomb_is_refused_quickly_without_being_decoded(
    entry, stored, monkeypatch, settings, side
):
    def decode(self):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    settings.EVIDENCE_MAX_PIXELS = 40_000_000
    bomb = png_declaring(side, side)
    assert len(bomb) < 200

    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        add(entry, "lesion.png", bomb)
    assert time.perf_counter() - started < 2

    message = refused.value.message_dict["file"][0]
    assert "too many" in message and "at most 40 million pixels" in message
    assert not Evidence.objects.exists() and stored() == []


def test_images_over_the_pixel_limit_are_refused(entry, stored, settings):
    settings.EVIDENCE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="at most 0.01 million pixels"):
        add(entry, "lesion.webp", image_bytes("WEBP", size=(101, 100)))
    assert stored() == []
    assert (
        add(entry, "lesion.webp", image_bytes("WEBP", size=(100, 100))).content_type == "image/webp"
    )


def test_an_oversized_file_is_refused_before_it_is_read(entry, stored, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    file = upload("notes.pdf", pdf_bytes() + bytes(1000))

    file.file = None  # reading it would fail the test
    with pytest.raises(ValidationError) as refused:
        services.add_file_evidence(entry=entry, actor=entry.trainee, uploaded_file=file)
    message = refused.value.message_dict["file"][0]
    assert message == "This file is 1.4 KB; the largest allowed is 1000 bytes."
    assert not Evidence.objects.exists() and stored() == []


def test_a_file_larger_than_it_claims_is_refused_at_the_limit(entry, stored, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    file = upload("reflection.mp3", mp3_bytes())
    file.size = 500
    with pytest.raises(ValidationError, match="larger than 1000"):
        services.add_file_evidence(entry=entry, actor=entry.trainee, uploaded_file=file)
    assert not Evidence.objects.exists() and stored() == []


def test_uploads_beyond_the_trainees_quota_are_refused(entry, stored, settings, log):
    first = add(entry, "notes.pdf", pdf_bytes())
    settings.EVIDENCE_QUOTA_BYTES = first.size + 100

    with pytest.raises(ValidationError) as refused:
        # The quota is the trainee's, across all their entries.
        add(log(title="Another clinic"), "more.pdf", pdf_bytes())
    message = refused.value.message_dict["file"][0]
    assert "not enough space left" in message and "100\xa0bytes left" in message
    assert stored() == [first.file.name]
    assert Evidence.objects.count() == 1


def test_a_stored_file_is_removed_again_if_the_database_write_fails(entry, stored, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "append", fail)
    with pytest.raises(RuntimeError):
        add(entry, "notes.pdf", pdf_bytes())
    assert not Evidence.objects.exists() and stored() == []
