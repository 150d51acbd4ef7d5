"""Baking Open Badges 3.0 credentials into badge images, and reading them back, as the OB
3.0 specification's "Badge Baking" section says: a PNG carries the credential in one
uncompressed iTXt chunk with the keyword `openbadgecredential`; an SVG carries it in an
`<openbadges:credential>` element, in the https://purl.imsglobal.org/ob/v3p0 namespace,
the JSON in CDATA or a VC-JWT in the `verify` attribute."""

import io
import json
import zlib
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree as SafeXml
from PIL import Image
from PIL.PngImagePlugin import PngInfo

PNG_KEYWORD = "openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


def _json(credential: dict) -> str:
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def bake_png(png: bytes, credential: dict) -> bytes:
    image = Image.open(io.BytesIO(png))
    info = PngInfo()
    for key, value in getattr(image, "text", {}).items():
        # One credential per image: an earlier one baked in is replaced, not kept beside it.
        if key != PNG_KEYWORD:
            info.add_text(key, value)
    info.add_itxt(PNG_KEYWORD, _json(credential), zip=False)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def bake_svg(svg: str, credential: dict) -> str:
    root_end = svg.index(">", svg.index("<svg"))
    opening = svg[:root_end]
    if "xmlns:openbadges" not in opening:
        opening += f" xmlns:openbadges={quoteattr(SVG_NAMESPACE)}"
    # "]]>" inside the JSON would end the CDATA section early; split it across two sections.
    text = _json(credential).replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential>"
    return opening + ">" + element + svg[root_end + 1 :]


class NotBaked(ValueError):
    pass


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The most text a compressed chunk may inflate to: a credential is a few kilobytes.
MAX_TEXT_BYTES = 2 * 1024 * 1024


def unbake(content: bytes) -> str:
    """The credential text baked into a PNG or SVG: JSON, or a compact JWS."""
    if content.startswith(PNG_SIGNATURE):
        text = png_text(content, PNG_KEYWORD)
        if not text:
            raise NotBaked("This PNG has no Open Badges 3.0 credential baked into it.")
        return text
    try:
        root = SafeXml.fromstring(content)
    except Exception as error:
        raise NotBaked("This file is neither a PNG nor an SVG image.") from error
    element = root.find(f"{{{SVG_NAMESPACE}}}credential")
    if element is None:
        raise NotBaked("This SVG has no Open Badges 3.0 credential baked into it.")
    return (element.get("verify") or element.text or "").strip()


def png_text(content: bytes, keyword: str) -> str | None:
    """The text of the PNG's tEXt, zTXt or iTXt chunk with this keyword, read from the
    chunks themselves. Anyone may upload an image to the verify page and the API, so its
    pixels are never decoded: a small file can decode to a huge image."""
    wanted, position = keyword.encode("latin-1"), len(PNG_SIGNATURE)
    while position + 8 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        data = content[position + 8 : position + 8 + length]
        position += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            break
        name, _, rest = data.partition(b"\0")
        if kind not in (b"tEXt", b"zTXt", b"iTXt") or name != wanted:
            continue
        try:
            if kind == b"tEXt":
                return rest.decode("latin-1")
            if kind == b"zTXt":
                return _inflate(rest[1:]).decode("latin-1")
            compressed, rest = rest[:1] == b"\1", rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            return (_inflate(text) if compressed else text).decode("utf-8")
        except (zlib.error, UnicodeDecodeError) as error:
            raise NotBaked("The credential baked into this PNG cannot be read.") from error
    return None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, MAX_TEXT_BYTES)
    if inflater.unconsumed_tail:
        raise NotBaked("The text baked into this PNG is too long to be a credential.")
    return text
