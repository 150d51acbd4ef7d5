"""Sign-offs checkable on paper: each has a short public link, and a QR code of it, that a
printed portfolio carries so that whoever holds the page can confirm the sign-off."""

import io

import segno

from core.site import absolute_url
from portfolio.models import SignOff


def sign_off_link(sign_off: SignOff) -> str:
    """The absolute public address at which `sign_off` can be checked. From SITE_URL, so a
    printed link is the same whichever address the page was generated from."""
    return absolute_url(sign_off.link.get_absolute_url())


def qr_code_svg(url: str) -> bytes:
    """`url` as a QR code in SVG. Error correction M (15%) survives a creased or smudged
    page; the 4-module quiet zone is what the QR standard asks for."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=4, border=4, xmldecl=True, title="QR code of " + url
    )
    return buffer.getvalue()
