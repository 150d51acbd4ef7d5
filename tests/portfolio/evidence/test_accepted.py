"""Evidence files that are accepted, and what is kept of them: a private random name,
the type the content has, and images with their metadata gone."""

import hashlib
import io
import re

import pytest
from PIL import ExifTags, Image, ImageCms

from portfolio import services
from tests.portfolio.evidence.conftest import add, read_stored
from tests.portfolio.evidence.files import (
    image_bytes,
    mp3_bytes,
    mp4_bytes,
    pdf_bytes,
    photo_with_gps,
    upload,
)

pytestmark = pytest.mark.django_db


ACCEPTED = [
    ("notes.pdf", pdf_bytes, "application/pdf", ".pdf"),
    ("lesion.png", lambda: image_bytes("PNG"), "image/png", ".png"),
    ("lesion.jpg", lambda: image_bytes("JPEG"), "image/jpeg", ".jpg"),
    ("lesion.webp", lambda: image_bytes("WEBP"), "image/webp", ".webp"),
    ("reflection.mp3", mp3_bytes, "audio/mpeg", ".mp3"),
    ("reflection.m4a", mp4_bytes, "audio/mp4", ".m4a"),
    ("reflection.mp4", lambda: mp4_bytes(brand=b"isom", video=True), "video/mp4", ".mp4"),
]


@pytest.mark.parametrize(("name", "make", "content_type", "extension"), ACCEPTED)
def test_each_accepted_type_is_stored_privately_under_a_random_name(
    entry, stored, name, make, content_type, extension
):
    content = make()
    evidence = add(entry, name, content, title="From clinic")

    assert (evidence.kind, evidence.content_type, evidence.title) == (
        "file",
        content_type,
        "From clinic",
    )
    assert evidence.original_name == name
    assert re.fullmatch(rf"evidence/[0-9a-f]{{32}}\{extension}", evidence.file.name)
    # Of an image, its re-encoded file and thumbnail only: the upload as it came is gone.
    assert stored() == sorted(f.name for f in (evidence.file, evidence.thumbnail) if f)
    assert bool(evidence.thumbnail) == content_type.startswith("image/")
    kept = read_stored(evidence)
    assert evidence.size == len(kept)
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    if content_type.startswith("image/"):
        assert Image.open(io.BytesIO(kept)).format == extension.strip(".").upper().replace(
            "JPG", "JPEG"
        )
    else:
        assert kept == content  # documents and recordings are kept byte for byte


def test_storage_names_say_nothing_about_the_file_or_its_owner(entry, trainee):
    content = pdf_bytes()
    first = add(entry, "Jane Smith - appraisal.pdf", content)
    second = add(entry, "Jane Smith - appraisal.pdf", content)

    assert first.file.name != second.file.name
    for evidence in (first, second):
        name = evidence.file.name.lower()
        assert "jane" not in name and "appraisal" not in name
        assert trainee.email.split("@")[0] not in name and trainee.full_name.lower() not in name
    assert first.sha256 == second.sha256 == hashlib.sha256(content).hexdigest()


def test_the_type_comes_from_the_content_not_the_name_or_the_browser(entry):
    evidence = services.add_file_evidence(
        entry=entry,
        actor=entry.trainee,
        uploaded_file=upload("lesion", image_bytes("PNG"), content_type="application/x-msdownload"),
    )
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "lesion.png"
    assert evidence.file.name.endswith(".png")


def test_m4a_and_mp4_are_told_apart_by_their_tracks_not_their_names(entry):
    audio = add(entry, "ward-round.mp4", mp4_bytes(brand=b"mp42"))
    video = add(entry, "ward-round.m4a", mp4_bytes(brand=b"mp42", video=True))
    assert (audio.content_type, audio.original_name) == ("audio/mp4", "ward-round.m4a")
    assert (video.content_type, video.original_name) == ("video/mp4", "ward-round.mp4")


def test_gps_and_all_other_metadata_are_stripped_from_photos(entry):
    original = photo_with_gps()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS

    evidence = add(entry, "lesion.jpg", original)

    after = Image.open(io.BytesIO(read_stored(evidence)))
    assert after.format == "JPEG"
    assert dict(after.getexif()) == {}
    assert after.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(after.info)
    assert b"ward 7" not in read_stored(evidence) and b"PhoneCo" not in read_stored(evidence)


def test_photos_are_turned_upright_before_their_exif_goes(entry):
    # Orientation 6: the camera was held on its side; viewers rotate 90° clockwise.
    evidence = add(entry, "lesion.jpg", photo_with_gps(size=(60, 40), orientation=6))

    after = Image.open(io.BytesIO(read_stored(evidence))).convert("L")
    assert after.size == (40, 60)
    # The dark left half is now the top half.
    assert after.getpixel((20, 5)) < 60 and after.getpixel((20, 55)) > 200


def test_colour_profiles_are_baked_into_the_pixels_and_dropped(entry):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("JPEG", size=(20, 20), icc_profile=srgb)
    assert Image.open(io.BytesIO(original)).info.get("icc_profile")

    after = Image.open(io.BytesIO(read_stored(add(entry, "lesion.jpg", original))))
    assert "icc_profile" not in after.info
    red, green, blue = after.getpixel((10, 10))
    assert abs(red - 0) < 8 and abs(green - 128) < 8 and abs(blue - 128) < 8  # still teal
