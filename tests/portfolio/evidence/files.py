"""Files made for the evidence tests: images with Pillow, PDFs with pypdf, and MP3 and MP4
files written byte by byte (and read back with mutagen, as Waymark does)."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from pypdf import PdfWriter


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
