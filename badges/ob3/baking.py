"""Baking Open Badges 3.0 credentials into badge images, and reading them back, as the OB
3.0 specification's "Badge Baking" section says: a PNG carries the credential in one
uncompressed iTXt chunk with the keyword `openbadgecredential`; an SVG carries it in an
`<openbadges:credential>` element, in the https://purl.imsglobal.org/ob/v3p0 namespace,
the JSON in CDATA or a VC-JWT in the `verify` attribute."""

import io
import json
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


def unbake(content: bytes) -> str:
    """The credential text baked into a PNG or SVG: JSON, or a compact JWS."""
    if content.startswith(b"\x89PNG"):
        image = Image.open(io.BytesIO(content))
        image.load()
        text = getattr(image, "text", {}).get(PNG_KEYWORD)
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
