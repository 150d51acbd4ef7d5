"""Badge images: the SVG Waymark draws for a badge class without an uploaded PNG, a PNG
of the same design, and baking (embedding an assertion into either, as the Open Badges
2.0 spec defines) so the image alone carries its verification."""

import hashlib
import io
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from badges.models import BadgeClass

SIZE = 256
# Dark enough for white text to meet WCAG AA contrast.
PALETTE = ["#005eb8", "#00703c", "#7c2855", "#330072", "#8a4b00", "#003d78", "#a00054", "#005a5a"]


def _colour(badge_class: BadgeClass) -> str:
    digest = hashlib.sha256(badge_class.slug.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0].upper() for w in words[:3]) or "B"


def badge_svg(badge_class: BadgeClass) -> str:
    colour = _colour(badge_class)
    initials = escape(_initials(badge_class.name))
    name = escape(badge_class.name[:40])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 256 256" role="img" aria-label={quoteattr(badge_class.name)}>'
        f"<title>{name}</title>"
        f'<circle cx="128" cy="128" r="120" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="6"/>'
        f'<text x="128" y="150" font-family="Arial, sans-serif" font-size="64" font-weight="700" '
        f'fill="#ffffff" text-anchor="middle">{initials}</text>'
        "</svg>"
    )


def badge_png(badge_class: BadgeClass) -> bytes:
    """The uploaded PNG, or the same design as badge_svg drawn with Pillow."""
    if badge_class.image:
        with badge_class.image.open("rb") as source:
            return source.read()
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=_colour(badge_class))
    draw.ellipse((24, 24, 232, 232), outline="#ffffff", width=6)
    font = ImageFont.load_default(size=64)
    draw.text((128, 128), _initials(badge_class.name), fill="#ffffff", font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def bake_png(png: bytes, assertion_url: str) -> bytes:
    """Embed the hosted assertion's URL in an iTXt chunk with the keyword 'openbadges'."""
    image = Image.open(io.BytesIO(png))
    info = PngInfo()
    for key, value in image.text.items() if hasattr(image, "text") else ():
        if key != "openbadges":
            info.add_text(key, value)
    info.add_itxt("openbadges", assertion_url)
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def bake_svg(svg: str, assertion_url: str) -> str:
    """Declare the openbadges namespace on the root and put the assertion first inside it."""
    root_end = svg.index(">", svg.index("<svg"))
    opening = svg[:root_end]
    if "xmlns:openbadges" not in opening:
        opening += ' xmlns:openbadges="http://openbadges.org"'
    assertion = f"<openbadges:assertion verify={quoteattr(assertion_url)}/>"
    return opening + ">" + assertion + svg[root_end + 1 :]


def baked_url(png: bytes) -> str | None:
    """The assertion URL baked into a PNG, if any (for tests and the verification page)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.text.get("openbadges")
