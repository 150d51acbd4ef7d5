"""Evidence files and links: what is accepted, what is refused, and what is kept of it.

Every file here is made by the test itself: images with Pillow, PDFs with pypdf, and MP3 and
MP4 files written byte by byte (and read back with mutagen, as Waymark does)."""

import hashlib
import io
import re
import struct
import time
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms, ImageFile
from pypdf import PdfWriter

from audit import services as audit
from audit.models import AuditEntry
from portfolio import services
from portfolio.content import content_hash
from portfolio.models import Evidence
from portfolio.tasks import make_evidence_thumbnail

pytestmark = pytest.mark.django_db


# --- Files made for the tests -----------------------------------------------------------------


def image_bytes(fmt: str, size=(40, 30), mode="RGB", **save_args) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, fmt, **save_args)
    return out.getvalue()


def photo_with_gps(size=(60, 40), orientation=1) -> bytes:
    """A JPEG as a phone makes it: where it was taken, by what, and which way up."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    image = Image.new("RGB", size, "white")
    # A dark left half, to tell which way up the stored image is.
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken on ward 7")
    return out.getvalue()


def pdf_bytes(password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def mp3_bytes(frames: int = 40) -> bytes:
    """An empty ID3v2.4 tag, then silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz,
    417 bytes each)."""
    id3 = b"ID3\x04\x00\x00\x00\x00\x00\x00"
    frame = b"\xff\xfb\x90\x64" + bytes(417 - 4)
    return id3 + frame * frames


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full_box(kind: bytes, payload: bytes, flags: int = 0) -> bytes:
    return box(kind, struct.pack(">I", flags) + payload)


MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
# An MPEG-4 elementary stream descriptor: AAC-LC, 44.1 kHz, stereo.
ESDS = full_box(
    b"esds",
    bytes.fromhex("0319000100041140150000000001f4000001f40005021210060102"),
)


def track(track_id: int, handler: bytes) -> bytes:
    sound = handler == b"soun"
    width, height = (0, 0) if sound else (64, 48)
    tkhd = full_box(
        b"tkhd",
        struct.pack(">5I", 0, 0, track_id, 0, 1000)
        + bytes(8)
        + struct.pack(">hhhH", 0, 0, 0x0100 if sound else 0, 0)
        + MATRIX
        + struct.pack(">II", width << 16, height << 16),
        flags=7,
    )
    mdhd = full_box(b"mdhd", struct.pack(">4I", 0, 0, 44100, 44100) + struct.pack(">HH", 0x55C4, 0))
    hdlr = full_box(b"hdlr", struct.pack(">I", 0) + handler + bytes(12) + b"Waymark\x00")
    if sound:
        entry = box(
            b"mp4a",
            bytes(6)
            + struct.pack(">H", 1)
            + bytes(8)
            + struct.pack(">4HI", 2, 16, 0, 0, 44100 << 16)
            + ESDS,
        )
        media_header = full_box(b"smhd", struct.pack(">HH", 0, 0))
    else:
        entry = box(
            b"avc1",
            bytes(6)
            + struct.pack(">H", 1)
            + bytes(16)
            + struct.pack(">HHII", width, height, 0x480000, 0x480000)
            + bytes(4)
            + struct.pack(">H", 1)
            + bytes(32)
            + struct.pack(">Hh", 0x18, -1),
        )
        media_header = full_box(b"vmhd", bytes(8), flags=1)
    no_entries = struct.pack(">I", 0)
    stbl = box(
        b"stbl",
        full_box(b"stsd", struct.pack(">I", 1) + entry)
        + full_box(b"stts", no_entries)
        + full_box(b"stsc", no_entries)
        + full_box(b"stsz", struct.pack(">II", 0, 0))
        + full_box(b"stco", no_entries),
    )
    dinf = box(b"dinf", full_box(b"dref", struct.pack(">I", 1) + full_box(b"url ", b"", flags=1)))
    minf = box(b"minf", media_header + dinf + stbl)
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf))


def mp4_bytes(*, brand: bytes = b"M4A ", video: bool = False) -> bytes:
    """An ISO base media file: ftyp, a movie header, a sound track and, for a video, a video
    track, then a little media data."""
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0) + brand + b"isom")
    mvhd = full_box(
        b"mvhd",
        struct.pack(">5IH", 0, 0, 1000, 1000, 0x10000, 0x0100)
        + bytes(10)
        + MATRIX
        + bytes(24)
        + struct.pack(">I", 3),
    )
    tracks = track(1, b"soun") + (track(2, b"vide") if video else b"")
    return ftyp + box(b"moov", mvhd + tracks) + box(b"mdat", bytes(32))


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header that claims a huge one-bit image: a few dozen bytes on disk, over a
    gigabyte once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(4096)))
        + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>fetch('/api/').then(r => r.text()).then(t => alert(t))</script>"
    b'<circle cx="5" cy="5" r="5"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(
    name: str, content: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path, monkeypatch):
    """Evidence goes to a fresh directory for each test, so "nothing stored" is a listing."""
    location = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploading"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    # The model's file fields took their storage when the model class was made; point them
    # at this test's storage too.
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storages["private"])
    return location


@pytest.fixture
def stored(private_dir, settings):
    """Every file in the private storage, and any temporary file left behind."""

    def stored():
        files = [p for p in private_dir.rglob("*") if p.is_file()]
        leftovers = list(settings.FILE_UPLOAD_TEMP_DIR.iterdir())
        return sorted(p.relative_to(private_dir).as_posix() for p in files) + leftovers

    return stored


@pytest.fixture
def event(log):
    return log(title="Skin lesion clinic")


def add(event, name, content, **kwargs) -> Evidence:
    return services.add_file_evidence(
        event=event, actor=event.trainee, uploaded_file=upload(name, content), **kwargs
    )


def read_stored(evidence: Evidence, field: str = "file") -> bytes:
    with getattr(evidence, field).open("rb") as f:
        return f.read()


def signed_off(event, trainee, supervisor):
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=trainee)
    services.approve(event=event, actor=supervisor)
    event.refresh_from_db()
    return event


# --- What is accepted ------------------------------------------------------------------------

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
    event, stored, name, make, content_type, extension
):
    content = make()
    evidence = add(event, name, content, title="From clinic")

    assert (evidence.kind, evidence.content_type, evidence.title) == (
        "file",
        content_type,
        "From clinic",
    )
    assert evidence.original_name == name
    assert re.fullmatch(rf"evidence/[0-9a-f]{{32}}\{extension}", evidence.file.name)
    assert stored() == [evidence.file.name]
    kept = read_stored(evidence)
    assert evidence.size == len(kept)
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    if content_type.startswith("image/"):
        assert Image.open(io.BytesIO(kept)).format == extension.strip(".").upper().replace(
            "JPG", "JPEG"
        )
    else:
        assert kept == content  # documents and recordings are kept byte for byte


def test_storage_names_say_nothing_about_the_file_or_its_owner(event, trainee):
    content = pdf_bytes()
    first = add(event, "Jane Smith - appraisal.pdf", content)
    second = add(event, "Jane Smith - appraisal.pdf", content)

    assert first.file.name != second.file.name
    for evidence in (first, second):
        name = evidence.file.name.lower()
        assert "jane" not in name and "appraisal" not in name
        assert trainee.email.split("@")[0] not in name and trainee.full_name.lower() not in name
    assert first.sha256 == second.sha256 == hashlib.sha256(content).hexdigest()


def test_the_type_comes_from_the_content_not_the_name_or_the_browser(event):
    evidence = services.add_file_evidence(
        event=event,
        actor=event.trainee,
        uploaded_file=upload("lesion", image_bytes("PNG"), content_type="application/x-msdownload"),
    )
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "lesion.png"
    assert evidence.file.name.endswith(".png")


def test_m4a_and_mp4_are_told_apart_by_their_tracks_not_their_names(event):
    audio = add(event, "ward-round.mp4", mp4_bytes(brand=b"mp42"))
    video = add(event, "ward-round.m4a", mp4_bytes(brand=b"mp42", video=True))
    assert (audio.content_type, audio.original_name) == ("audio/mp4", "ward-round.m4a")
    assert (video.content_type, video.original_name) == ("video/mp4", "ward-round.mp4")


def test_gps_and_all_other_metadata_are_stripped_from_photos(event):
    original = photo_with_gps()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS

    evidence = add(event, "lesion.jpg", original)

    after = Image.open(io.BytesIO(read_stored(evidence)))
    assert after.format == "JPEG"
    assert dict(after.getexif()) == {}
    assert after.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "comment", "xmp", "icc_profile"} & set(after.info)
    assert b"ward 7" not in read_stored(evidence) and b"PhoneCo" not in read_stored(evidence)


def test_photos_are_turned_upright_before_their_exif_goes(event):
    # Orientation 6: the camera was held on its side; viewers rotate 90° clockwise.
    evidence = add(event, "lesion.jpg", photo_with_gps(size=(60, 40), orientation=6))

    after = Image.open(io.BytesIO(read_stored(evidence))).convert("L")
    assert after.size == (40, 60)
    # The dark left half is now the top half.
    assert after.getpixel((20, 5)) < 60 and after.getpixel((20, 55)) > 200


def test_colour_profiles_are_baked_into_the_pixels_and_dropped(event):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = image_bytes("JPEG", size=(20, 20), icc_profile=srgb)
    assert Image.open(io.BytesIO(original)).info.get("icc_profile")

    after = Image.open(io.BytesIO(read_stored(add(event, "lesion.jpg", original))))
    assert "icc_profile" not in after.info
    red, green, blue = after.getpixel((10, 10))
    assert abs(red - 0) < 8 and abs(green - 128) < 8 and abs(blue - 128) < 8  # still teal


# --- What is refused -------------------------------------------------------------------------

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
    event, stored, name, content, content_type, message
):
    with pytest.raises(ValidationError) as refused:
        services.add_file_evidence(
            event=event, actor=event.trainee, uploaded_file=upload(name, content, content_type)
        )
    assert message in refused.value.message_dict["file"][0]
    assert name in refused.value.message_dict["file"][0]
    assert not Evidence.objects.exists()
    assert stored() == []


# 10^10 pixels is past Pillow's own refusal; 64 million is past only Waymark's 40 million.
@pytest.mark.parametrize("side", [100_000, 8_000])
def test_a_png_decompression_bomb_is_refused_quickly_without_being_decoded(
    event, stored, monkeypatch, settings, side
):
    def decode(self):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    settings.EVIDENCE_MAX_PIXELS = 40_000_000
    bomb = png_declaring(side, side)
    assert len(bomb) < 200

    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        add(event, "lesion.png", bomb)
    assert time.perf_counter() - started < 2

    message = refused.value.message_dict["file"][0]
    assert "too many" in message and "at most 40 million pixels" in message
    assert not Evidence.objects.exists() and stored() == []


def test_images_over_the_pixel_limit_are_refused(event, stored, settings):
    settings.EVIDENCE_MAX_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match="at most 0.01 million pixels"):
        add(event, "lesion.webp", image_bytes("WEBP", size=(101, 100)))
    assert stored() == []
    assert (
        add(event, "lesion.webp", image_bytes("WEBP", size=(100, 100))).content_type == "image/webp"
    )


def test_an_oversized_file_is_refused_before_it_is_read(event, stored, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    file = upload("notes.pdf", pdf_bytes() + bytes(1000))

    file.file = None  # reading it would fail the test
    with pytest.raises(ValidationError) as refused:
        services.add_file_evidence(event=event, actor=event.trainee, uploaded_file=file)
    assert "files can be at most 1000" in refused.value.message_dict["file"][0]
    assert not Evidence.objects.exists() and stored() == []


def test_a_file_larger_than_it_claims_is_refused_at_the_limit(event, stored, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    file = upload("reflection.mp3", mp3_bytes())
    file.size = 500
    with pytest.raises(ValidationError, match="larger than 1000"):
        services.add_file_evidence(event=event, actor=event.trainee, uploaded_file=file)
    assert not Evidence.objects.exists() and stored() == []


def test_uploads_beyond_the_trainees_quota_are_refused(event, stored, settings, log):
    first = add(event, "notes.pdf", pdf_bytes())
    settings.EVIDENCE_QUOTA_BYTES = first.size + 100

    with pytest.raises(ValidationError) as refused:
        # The quota is the trainee's, across all their entries.
        add(log(title="Another clinic"), "more.pdf", pdf_bytes())
    message = refused.value.message_dict["file"][0]
    assert "not enough space left" in message and "100\xa0bytes left" in message
    assert stored() == [first.file.name]
    assert Evidence.objects.count() == 1


def test_a_stored_file_is_removed_again_if_the_database_write_fails(event, stored, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "append", fail)
    with pytest.raises(RuntimeError):
        add(event, "notes.pdf", pdf_bytes())
    assert not Evidence.objects.exists() and stored() == []


# --- Who may add and remove, and when ----------------------------------------------------------


def test_a_signed_off_entry_refuses_new_evidence(event, trainee, supervisor, stored):
    event = signed_off(event, trainee, supervisor)
    with pytest.raises(services.EntryLocked, match="signed off"):
        add(event, "notes.pdf", pdf_bytes())
    with pytest.raises(services.EntryLocked):
        services.add_link_evidence(event=event, actor=trainee, url="https://example.org/")
    assert not Evidence.objects.exists() and stored() == []


def test_a_signed_off_entry_keeps_its_evidence(event, trainee, supervisor, stored):
    evidence = add(event, "notes.pdf", pdf_bytes())
    signed_off(event, trainee, supervisor)
    with pytest.raises(services.EntryLocked):
        services.remove_evidence(evidence=evidence, actor=trainee)
    assert Evidence.objects.filter(pk=evidence.pk).exists() and stored() == [evidence.file.name]


def test_only_the_trainee_can_add_or_remove_evidence(event, other_trainee, supervisor, stored):
    with pytest.raises(PermissionDenied):
        services.add_file_evidence(
            event=event, actor=other_trainee, uploaded_file=upload("notes.pdf", pdf_bytes())
        )
    with pytest.raises(PermissionDenied):
        services.add_link_evidence(event=event, actor=supervisor, url="https://example.org/")
    evidence = add(event, "notes.pdf", pdf_bytes())
    for actor in (other_trainee, supervisor):
        with pytest.raises(PermissionDenied):
            services.remove_evidence(evidence=evidence, actor=actor)
    assert stored() == [evidence.file.name]


def test_the_evidence_removal_page_is_the_trainees_alone(client, event, trainee, supervisor):
    evidence = services.add_link_evidence(event=event, actor=trainee, url="https://example.org/")
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=trainee)
    url = reverse("portfolio:evidence_delete", args=[evidence.pk])
    client.force_login(supervisor)
    # The supervisor can see the entry and its evidence, but there is nothing for them here.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    services.recall_request(event=event, actor=trainee)
    client.force_login(trainee)
    assert client.get(url).status_code == 200
    assert client.post(url).url == event.get_absolute_url()
    assert not Evidence.objects.exists()


def test_thumbnails_are_made_by_waymark_not_by_a_person(event, trainee):
    evidence = add(event, "lesion.png", image_bytes("PNG", size=(80, 60)))
    with pytest.raises(PermissionDenied):
        services.store_evidence_thumbnail(evidence_id=evidence.pk, actor=trainee)


# --- Thumbnails ----------------------------------------------------------------------------


def test_a_thumbnail_is_made_by_a_task_once_the_upload_commits(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(event, "lesion.png", image_bytes("PNG", size=(800, 600)))
        assert not evidence.thumbnail  # not before commit

    evidence.refresh_from_db()
    assert re.fullmatch(r"thumbnails/[0-9a-f]{32}\.webp", evidence.thumbnail.name)
    thumbnail = Image.open(io.BytesIO(read_stored(evidence, "thumbnail")))
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (320, 240))


def test_the_thumbnail_task_can_run_twice_without_harm(
    event, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(event, "lesion.jpg", image_bytes("JPEG", size=(400, 400)))
    files = stored()
    assert len(files) == 2

    assert make_evidence_thumbnail(evidence.pk) is False
    assert stored() == files


def test_the_thumbnail_task_skips_evidence_that_is_gone_or_not_an_image(event):
    pdf = add(event, "notes.pdf", pdf_bytes())
    assert make_evidence_thumbnail(pdf.pk) is False
    assert make_evidence_thumbnail(pdf.pk + 1000) is False
    pdf.refresh_from_db()
    assert not pdf.thumbnail


def test_a_thumbnail_task_is_queued_for_images_only(
    event, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(make_evidence_thumbnail, "apply_async", lambda args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        add(event, "notes.pdf", pdf_bytes())
        add(event, "reflection.mp3", mp3_bytes())
        image = add(event, "lesion.webp", image_bytes("WEBP"))
        assert queued == []  # tasks are published only once the rows are committed
    assert queued == [(image.pk,)]


# --- Links, removal and the audit log ------------------------------------------------------------


def test_links_are_stored(event, trainee):
    evidence = services.add_link_evidence(
        event=event,
        actor=trainee,
        url="  https://www.e-lfh.org.uk/programmes/dermatology/ ",
        title="e-LfH module",
    )
    evidence.refresh_from_db()
    assert (evidence.kind, evidence.url, evidence.title) == (
        "link",
        "https://www.e-lfh.org.uk/programmes/dermatology/",
        "e-LfH module",
    )
    assert not evidence.file and not evidence.sha256


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>1</script>",
        "ftp://example.org/x",
        "not a link",
        "",
    ],
)
def test_links_must_be_web_addresses(event, trainee, url):
    with pytest.raises(ValidationError) as refused:
        services.add_link_evidence(event=event, actor=trainee, url=url)
    assert "https://" in refused.value.message_dict["url"][0]
    assert not Evidence.objects.exists()


def test_adding_evidence_is_audited_without_its_content(event, trainee):
    evidence = add(event, "notes.pdf", pdf_bytes())
    link = services.add_link_evidence(
        event=event, actor=trainee, url="https://example.org/private-doc"
    )

    file_entry, link_entry = AuditEntry.objects.filter(action="add_evidence").order_by("pk")
    assert (file_entry.object_type, file_entry.object_id) == ("learningevent", str(event.pk))
    content_sha256 = file_entry.payload.pop("content_sha256")
    assert re.fullmatch(r"[0-9a-f]{64}", content_sha256)
    assert file_entry.payload == {
        "evidence": evidence.pk,
        "kind": "file",
        "sha256": evidence.sha256,
        "size": evidence.size,
        "content_type": "application/pdf",
    }
    assert link_entry.payload == {
        "evidence": link.pk,
        "kind": "link",
        "url_sha256": hashlib.sha256(b"https://example.org/private-doc").hexdigest(),
        # The entry as it now stands, evidence included, which is what a sign-off vouches for.
        "content_sha256": content_hash(event),
    }
    assert content_sha256 != link_entry.payload["content_sha256"]


def test_removing_evidence_deletes_its_files_after_commit(
    event, trainee, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(event, "lesion.png", image_bytes("PNG", size=(500, 500)))
    evidence.refresh_from_db()
    assert len(stored()) == 2  # the image and its thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(evidence=evidence, actor=trainee)
        assert len(stored()) == 2  # not before commit
    assert stored() == []
    assert not Evidence.objects.exists()
    entry = AuditEntry.objects.get(action="remove_evidence")
    assert entry.payload["evidence"] == evidence.pk and entry.payload["sha256"] == evidence.sha256

    # A second click finds nothing to remove and changes nothing.
    services.remove_evidence(evidence=evidence, actor=trainee)
    assert AuditEntry.objects.filter(action="remove_evidence").count() == 1
