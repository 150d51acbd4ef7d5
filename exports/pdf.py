"""The portfolio as a PDF for appraisal and the annual review: HTML from a template, laid
out by WeasyPrint as tagged PDF/UA-1 with the system's DejaVu fonts.

Rendering never fetches anything: the only resources it may read are Waymark's own static
files, from disk, and data: URIs (the QR codes). An entry that names an image on some
server, inside the hospital network or outside it, cannot make the worker call it."""

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from exports.contents import Portfolio

# Importing WeasyPrint tells Pillow, for the whole process, to load truncated images. The
# worker that makes PDFs also checks evidence uploads, which must refuse a truncated or
# bomb image, so the default is put back; the PDF embeds no raster image from outside.
ImageFile.LOAD_TRUNCATED_IMAGES = False

PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "exports/pdf/portfolio.html"


class RefusedFetch(ValueError):
    """A resource the PDF may not read. WeasyPrint leaves the resource out and renders on."""


class StaticFilesOnly(URLFetcher):
    """Reads Waymark's static files from disk and decodes data: URIs; refuses everything
    else without opening a connection."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # The standard library's data: handler, as WeasyPrint's own fetcher uses; no I/O.
            return super().fetch(url, headers)
        path = static_file(url)
        if path is None:
            raise RefusedFetch(f"The PDF reads only Waymark's own static files, not {url}")
        return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_type(path))


def static_base_url() -> str:
    """The base the PDF's relative addresses resolve against. Only a name: nothing is
    fetched from it."""
    return settings.SITE_URL + "/"


def static_file(url: str) -> Path | None:
    """The file on disk behind `url`, if it is one of Waymark's static files."""
    prefix = settings.SITE_URL + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url[len(prefix) :]).path)
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


def _content_type(path: Path) -> dict:
    types = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
    return {"Content-Type": types.get(path.suffix, "application/octet-stream")}


def portfolio_html(portfolio: Portfolio) -> str:
    return render_to_string(TEMPLATE, {"portfolio": portfolio, "filters": portfolio.filters})


def write_pdf(html: str, out: BinaryIO, *, progress: Callable[[int, str], None] | None = None):
    """Lay `html` out and write it to `out` as PDF/UA-1. Returns the number of pages."""
    say = progress or (lambda percent, what: None)
    say(0, "Laying out the pages")
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticFilesOnly()).render(
        pdf_variant=PDF_VARIANT
    )
    pages = len(document.pages)
    say(70, f"Writing {pages} pages")
    document.write_pdf(out, pdf_variant=PDF_VARIANT)
    say(100, f"Wrote {pages} pages")
    return pages
