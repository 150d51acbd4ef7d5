"""Images' pixels: an image re-encoded with its pixels alone, and its thumbnail.

Both decode the whole image, which is costly: seconds of CPU for tens of millions of pixels,
from a file of a few kilobytes. They run in a worker (evidence), or on images held to a
small number of pixels (badge images); never on an upload in a web request otherwise.
"""

import io
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# What Pillow calls the formats evidence images may have.
FORMATS = ("PNG", "JPEG", "WEBP")
THUMBNAIL_SIZE = (320, 320)


def pixel_limit(max_pixels: int | None = None) -> int:
    """The most pixels an image may have: EVIDENCE_MAX_PIXELS, or `max_pixels` if lower."""
    # Pillow warns above its own MAX_IMAGE_PIXELS (and refuses at twice that); treat its
    # warning as a refusal too, without touching the process-wide warning filters.
    limits = [settings.EVIDENCE_MAX_PIXELS, Image.MAX_IMAGE_PIXELS, max_pixels]
    return min(limit for limit in limits if limit)


def reencode(image: Image.Image, pillow_format: str) -> bytes:
    """The image's pixels alone, upright, in a fresh file of the same format. Of an
    animated image only the first frame is kept."""
    image.seek(0)
    image.load()
    # Apply the EXIF orientation to the pixels before the EXIF goes, so photos stay upright.
    upright = ImageOps.exif_transpose(image)
    pixels = _to_srgb(upright)
    pixels = _savable_mode(pixels, pillow_format)
    # Savers fall back on `info` for some metadata (JPEG comments, ICC profiles): empty it,
    # and pass no exif, xmp or icc_profile, so only pixels are written.
    pixels.info = {}
    out = io.BytesIO()
    if pillow_format == "JPEG":
        pixels.save(out, "JPEG", quality=90, optimize=True)
    elif pillow_format == "WEBP":
        pixels.save(out, "WEBP", quality=90, method=4)
    else:
        pixels.save(out, "PNG")
    return out.getvalue()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Bake an embedded colour profile into the pixels, so that dropping the profile with
    the other metadata does not wash out wide-gamut phone photos."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is dropped; the pixels are kept as they are.
        return image


def _savable_mode(image: Image.Image, pillow_format: str) -> Image.Image:
    if image.mode == "P" or image.mode == "PA":
        # Palette transparency lives in `info`, which is emptied: move it into the pixels.
        return image.convert("RGBA")
    if pillow_format == "JPEG":
        return image if image.mode in ("L", "RGB", "CMYK") else image.convert("RGB")
    if pillow_format == "WEBP":
        return image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
    png_modes = ("1", "L", "LA", "I", "I;16", "RGB", "RGBA")
    return image if image.mode in png_modes else image.convert("RGBA")


def make_thumbnail(source: bytes | str | Path | BinaryIO) -> bytes | None:
    """A WebP at most 320 pixels on its longer side, for an image; None for anything else
    (PDFs, audio, video)."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with Image.open(source, formats=list(FORMATS)) as image:
            width, height = image.size
            if width * height > pixel_limit():
                return None
            # JPEG can decode straight at a fraction of its size: far less memory and time.
            image.draft("RGB", THUMBNAIL_SIZE)
            image.thumbnail(THUMBNAIL_SIZE)
            small = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    small.save(out, "WEBP", quality=80)
    return out.getvalue()
