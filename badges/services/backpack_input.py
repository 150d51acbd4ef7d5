"""What a trainee gives to add a badge from elsewhere, read as untrusted input: an address,
an uploaded image or pasted text, each turned into the text to verify (an Open Badges 2.0
assertion or its address, or an Open Badges 3.0 credential) or refused in words, keyed by
the field it came in (`url`, `file`, `credential`). Never an error of the server's own."""

import io
import json
from dataclasses import dataclass

import defusedxml.ElementTree as SafeXml
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

from badges import ob2_verifying
from badges.ob3 import baking

# A badge image is a few hundred kilobytes at most; anything far larger is not one.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_TEXT = 256 * 1024
MAX_URL = 2000
# The most pixels a badge image may claim; its pixels are never decoded, only its header read.
MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class Picture:
    content: bytes
    extension: str  # png or svg


@dataclass(frozen=True)
class Arrived:
    standard: str  # "2.0" or "3.0"
    field: str
    text: str
    image: Picture | None = None


def read(*, url=None, upload=None, text=None) -> Arrived:
    given = [
        name for name, value in (("url", url), ("file", upload), ("credential", text)) if value
    ]
    if len(given) != 1:
        raise ValidationError(
            "Give one of these: the badge's address, its image, or its credential."
        )
    if url:
        return _url(url)
    if upload is not None:
        return _upload(upload)
    return _text(text)


def _url(url) -> Arrived:
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise ValidationError({"url": "Give the badge's web address."})
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": "Give the badge's web address, starting https://."})
    return Arrived("2.0", "url", url)


def _text(text) -> Arrived:
    if not isinstance(text, str):
        raise ValidationError({"credential": "Paste the credential as text."})
    if len(text) > MAX_TEXT:
        raise ValidationError({"credential": "That is too long to be a badge's credential."})
    text = text.strip()
    if text.startswith(("https://", "http://")):
        return Arrived("2.0", "credential", text)
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise ValidationError({"credential": "This is not valid JSON."}) from error
        if isinstance(document, dict) and _is_assertion(document):
            return Arrived("2.0", "credential", text)
    return Arrived("3.0", "credential", text)


def _is_assertion(document: dict) -> bool:
    """An Open Badges 2.0 (or 1.x) assertion rather than a verifiable credential."""
    kinds = document.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "Assertion" in kinds:
        return True
    return "credentialSubject" not in document and "recipient" in document


def _upload(upload) -> Arrived:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": "That file is too large to be a badge image."})
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if not isinstance(content, bytes) or len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": "That file is too large to be a badge image."})
    picture = picture_of(content)
    try:
        credential = baking.unbake(content)
    except baking.NotBaked:
        credential = None
    if credential:
        return Arrived("3.0", "file", credential, picture)
    try:
        assertion = ob2_verifying.baked_assertion(content)
    except ob2_verifying.NotOpenBadge as error:
        raise ValidationError({"file": str(error)}) from error
    if not assertion:
        raise ValidationError({"file": "This image has no Open Badge baked into it."})
    return Arrived("2.0", "file", assertion, picture)


def picture_of(content: bytes) -> Picture:
    """The upload, if it is what it says: a PNG whose header Pillow reads, of a sensible
    size, or an SVG document."""
    if content.startswith(baking.PNG_SIGNATURE):
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != "PNG" or image.width * image.height > MAX_PIXELS:
                    raise ValidationError({"file": "That is not a badge-sized PNG image."})
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError({"file": "That PNG image cannot be read."}) from error
        return Picture(content, "png")
    try:
        root = SafeXml.fromstring(content)
    except Exception as error:
        raise ValidationError({"file": "Upload a badge image: a PNG or an SVG."}) from error
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise ValidationError({"file": "Upload a badge image: a PNG or an SVG."})
    return Picture(content, "svg")
