"""What an uploaded evidence file really is, decided from its bytes, and what Waymark keeps of it.

No database here: `inspect_upload` takes an upload and returns a `CheckedFile` (or refuses it
with a message for the trainee); `clean_image` decodes an image and re-encodes it (with
portfolio.images, which also makes thumbnails).

The type comes from the content alone (magic numbers, then a parser that must accept the whole
file). The name is never used to decide the type; it is only compared with it afterwards, so a
PDF calling itself `photo.png` is refused rather than quietly stored. PDFs, audio and video are
kept byte for byte: they are only ever served as attachments.

Images are decoded and re-encoded, which drops EXIF (GPS included), XMP, comments and anything
hidden after the image data. Decoding is the costly part: a small PNG can declare 40 million
pixels and take seconds of CPU to decode. So `inspect_upload`, which runs in the web request,
only reads an image's header and structure (its size in pixels, and a PNG's chunk checksums)
and decodes no pixels; `clean_image` does the decoding, in a worker for evidence, and for
badge images with a small pixel limit of their own.
"""

import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, Http404
from mutagen import MutagenError
from mutagen.mp3 import MP3 as MP3Stream
from mutagen.mp4 import MP4 as MP4Container
from mutagen.mp4 import AtomError, Atoms
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from portfolio import images

ACCEPTED = "PDF, PNG, JPEG, WebP, MP3, M4A or MP4"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extension: str
    # Names a trainee's file may have for this content; any other extension is a mismatch.
    extensions: frozenset[str]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


_MP4_NAMES = frozenset({".mp4", ".m4a", ".m4v", ".m4b"})

PDF = FileType("a PDF document", "application/pdf", ".pdf", frozenset({".pdf"}))
PNG = FileType("a PNG image", "image/png", ".png", frozenset({".png"}))
JPEG = FileType("a JPEG image", "image/jpeg", ".jpg", frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}))
WEBP = FileType("a WebP image", "image/webp", ".webp", frozenset({".webp"}))
MP3 = FileType("an MP3 recording", "audio/mpeg", ".mp3", frozenset({".mp3"}))
# M4A and MP4 are the same container and phones name them loosely, so either name will do.
M4A = FileType("an M4A recording", "audio/mp4", ".m4a", _MP4_NAMES)
MP4 = FileType("an MP4 video", "video/mp4", ".mp4", _MP4_NAMES)

TYPES = (PDF, PNG, JPEG, WEBP, MP3, M4A, MP4)
KNOWN_EXTENSIONS = frozenset().union(*(t.extensions for t in TYPES))

_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}

# ISO base media major brands of plain MP4/M4A files. QuickTime ("qt  "), 3GP, HEIF/HEIC
# ("heic", "mif1", "avif") and DRM-protected iTunes files ("M4P ") share the container but are
# not what the trainee was told Waymark accepts, and mostly would not play in a browser.
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
     b"M4A ", b"M4B ", b"M4V ", b"dash", b"MSNV"}
)  # fmt: skip


@dataclass
class CheckedFile:
    """An upload that passed inspection: what to store and what to record about it. Small
    content (re-encoded images) is in `content`; uploads are in a temporary file at `path`,
    which the caller removes with `discard()` once the file is stored. An image upload still
    needs `clean_image` before it may be served (`is_image`): its size and hash are those of
    the bytes received."""

    file_type: FileType
    size: int
    sha256: str
    content: bytes | None = None
    path: Path | None = None

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    @property
    def extension(self) -> str:
        return self.file_type.extension

    @property
    def is_image(self) -> bool:
        return self.file_type.is_image

    def open(self) -> File:
        if self.content is not None:
            return File(io.BytesIO(self.content))
        return File(self.path.open("rb"))

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _damaged(name: str, label: str) -> ValidationError:
    return _refuse(f"“{name}” could not be read as {label}; it may be damaged.")


def _display_name(uploaded_file) -> str:
    return Path(getattr(uploaded_file, "name", "") or "").name or "This file"


def size_in_words(size: int, *, round_up: bool = False) -> str:
    """'50.3 MB', '50 MB', '900 bytes': to a tenth of the unit, rounded up for a file that
    is too large and down for the limit, so that the two never read the same ("is 50.0 MB;
    at most 50.0 MB" told a trainee nothing)."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            tenths = size * 10 / scale
            tenths = math.ceil(tenths) if round_up else math.floor(tenths)
            return f"{tenths / 10:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def inspect_upload(uploaded_file) -> CheckedFile:
    """Decide what the upload is from its bytes and return what to store, or raise
    ValidationError (field "file") saying why it is refused."""
    name = _display_name(uploaded_file)
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        # Refused before a byte is read: size comes from the upload handler's count.
        raise _refuse(
            f"This file is {size_in_words(uploaded_file.size, round_up=True)}; "
            f"the largest allowed is {size_in_words(limit)}."
        )
    if uploaded_file.size == 0:
        raise _refuse(f"“{name}” is empty.")

    uploaded_file.seek(0)
    head = uploaded_file.read(64)
    uploaded_file.seek(0)
    file_type = sniff(head)
    if file_type is None:
        raise _refuse(f"“{name}” is not a file type Waymark accepts: {ACCEPTED}.")
    # Before the parsers: M4A and MP4 share their names, so the first guess is enough here.
    _check_name_matches(name, file_type)
    return _inspect_spooled(uploaded_file, file_type, name)


def sniff(head: bytes) -> FileType | None:
    """The accepted type these first bytes announce, if any. Only a first guess: the file
    must then parse as that type. MP4 and M4A are told apart later, by their tracks."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return MP4
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head):
        return MP3
    return None


def _is_mpeg_audio_frame(head: bytes) -> bool:
    # 11 sync bits, then version (not the reserved 01) and layer III (01).
    return (
        len(head) >= 2
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and (head[1] >> 3) & 0b11 != 0b01
        and (head[1] >> 1) & 0b11 == 0b01
    )


def _check_name_matches(name: str, file_type: FileType) -> None:
    extension = Path(name).suffix.lower()
    if not extension or extension in file_type.extensions:
        return
    claimed = next((t for t in TYPES if extension in t.extensions), None)
    said = f"its name says {claimed.label}" if claimed else f"its name ends in {extension}"
    raise _refuse(
        f"“{name}” is {file_type.label}, but {said}. Files whose name and content disagree are "
        f"refused; if it really is {file_type.label}, rename it to end in {file_type.extension}."
    )


# --- Images -----------------------------------------------------------------------------------


def _open_image(fp: BinaryIO, pillow_format: str, name: str, limit: int) -> Image.Image:
    """Open without decoding and refuse anything with more than `limit` pixels. Opening
    reads only the header, so a tiny file declaring 100,000 × 100,000 pixels is refused
    here, quickly and before any memory is allocated for its pixels."""
    fp.seek(0)
    try:
        image = Image.open(fp, formats=[pillow_format])
    except Image.DecompressionBombError:
        raise _too_many_pixels(f"“{name}” has too many pixels", limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _damaged(name, "an image") from None
    width, height = image.size
    if width * height > limit:
        image.close()
        raise _too_many_pixels(f"“{name}” is {width:,} × {height:,} pixels, too many", limit)
    return image


def _too_many_pixels(said: str, limit: int) -> ValidationError:
    millions = f"{limit / 1_000_000:.3g}"
    return _refuse(
        f"{said} to be processed safely: images can have at most {millions} million pixels."
    )


def _check_image(fp: BinaryIO, file_type: FileType, name: str, limit: int) -> None:
    """The checks an image passes without being decoded: its header, its size in pixels, and
    its structure (verify() reads a PNG's chunks and their checksums, but no pixels)."""
    try:
        with _open_image(fp, _PILLOW_FORMATS[file_type], name, limit) as image:
            image.verify()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise _damaged(name, "an image") from None


def clean_image(source: BinaryIO, *, name: str, max_pixels: int | None = None) -> CheckedFile:
    """Decode an image and re-encode its pixels alone, in the same format: the costly step,
    for a worker, or for small images only (`max_pixels`). Refuses, as `inspect_upload`
    does, anything that is not an image of an accepted type, has too many pixels or does not
    decode."""
    source.seek(0)
    file_type = sniff(source.read(64))
    if file_type is None or not file_type.is_image:
        raise _refuse(f"“{name}” is not an image Waymark accepts: PNG, JPEG or WebP.")
    _check_name_matches(name, file_type)
    limit = images.pixel_limit(max_pixels)
    _check_image(source, file_type, name, limit)
    pillow_format = _PILLOW_FORMATS[file_type]
    try:
        # Pillow needs the file opened again after verify() to decode it.
        with _open_image(source, pillow_format, name, limit) as image:
            content = images.reencode(image, pillow_format)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise _damaged(name, "an image") from None
    return CheckedFile(
        file_type=file_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


# --- Every upload: spooled, then parsed -------------------------------------------------------


def _inspect_spooled(uploaded_file, file_type: FileType, name: str) -> CheckedFile:
    """Copy the upload to a temporary file, counting and hashing as it goes (never the whole
    file in memory), then have the type's parser read it. An image is not decoded here."""
    path, size, digest = _spool(uploaded_file, file_type, name)
    try:
        if file_type.is_image:
            with path.open("rb") as fp:
                _check_image(fp, file_type, name, images.pixel_limit())
        elif file_type is PDF:
            _check_pdf(path, name)
        elif file_type is MP3:
            _check_mp3(path, name)
        else:
            file_type = _check_mp4(path, name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return CheckedFile(file_type=file_type, size=size, sha256=digest, path=path)


def _spool(uploaded_file, file_type: FileType, name: str) -> tuple[Path, int, str]:
    limit = settings.EVIDENCE_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(
        prefix="evidence-", suffix=file_type.extension, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    path = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in uploaded_file.chunks():
                size += len(chunk)
                if size > limit:
                    # The declared size was wrong: stop reading at the limit all the same.
                    raise _refuse(
                        f"This file is larger than {size_in_words(limit)}, the largest allowed."
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size, digest.hexdigest()


# --- PDF, audio and video ---------------------------------------------------------------------


def _check_pdf(path: Path, name: str) -> None:
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:
        # The parser is reading hostile input and fails in many ways; each means "not a PDF
        # we can use".
        raise _damaged(name, "a PDF") from None
    if encrypted:
        raise _refuse(f"“{name}” is password-protected. Remove the password and upload it again.")
    if not pages:
        raise _refuse(f"“{name}” is a PDF with no pages.")


def _check_mp3(path: Path, name: str) -> None:
    try:
        audio = MP3Stream(path)
    except (MutagenError, OSError, ValueError):
        raise _damaged(name, "an MP3 recording") from None
    if not audio.info or audio.info.length <= 0:
        raise _damaged(name, "an MP3 recording")


def _check_mp4(path: Path, name: str) -> FileType:
    """Parse the MP4 container; a video track makes it an MP4 video, sound alone an M4A."""
    damaged = _damaged(name, "an MP4 video or M4A recording")
    try:
        MP4Container(path)
        with path.open("rb") as fileobj:
            handlers = set()
            for track in Atoms(fileobj)[b"moov"].findall(b"trak"):
                ok, data = track[b"mdia", b"hdlr"].read(fileobj)
                if ok:
                    handlers.add(data[8:12])
    except (MutagenError, AtomError, OSError, ValueError, KeyError):
        raise damaged from None
    if b"vide" in handlers:
        return MP4
    if b"soun" in handlers:
        return M4A
    raise damaged


def file_response(evidence, *, thumbnail: bool = False) -> FileResponse:
    """The one way evidence leaves Waymark, for the pages and the API alike: after the
    caller's access check, as an attachment (thumbnails inline, as images) that a browser
    will neither sniff into something executable nor run scripts in, and never cached."""
    field = evidence.thumbnail if thumbnail else evidence.file
    # An upload still being processed is as the trainee's device sent it (metadata and all)
    # and has not been proved to be an image: it never leaves.
    if not field or evidence.state != evidence.State.READY:
        raise Http404("No such file.")
    # Streamed through Waymark from whichever storage holds it, never a redirect to a signed
    # bucket URL: a signed URL works for anyone who has it until it expires (browser history,
    # a forwarded link), the headers below would be the bucket's to set, and thumbnails would
    # come from another origin than the page's Content-Security-Policy allows.
    response = FileResponse(
        field.open("rb"),
        as_attachment=not thumbnail,
        filename=evidence.original_name or Path(field.name).name,
        content_type="image/webp"
        if thumbnail
        else (evidence.content_type or "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
