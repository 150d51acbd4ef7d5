"""Addresses of Waymark's own pages as the outside world sees them."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse


def absolute_url(path: str) -> str:
    """The public URL of a path on this site. Built from SITE_URL, not the request's Host
    header, so that identifiers published in documents (curriculum items, badges) are
    stable whichever address a request came in on."""
    return settings.SITE_URL + path


def public_site() -> SimpleNamespace:
    """The site as emails name it (`current_site.name`, `.domain` in templates): SITE_URL's
    host, not the request's."""
    host = urlsplit(settings.SITE_URL).netloc
    return SimpleNamespace(domain=host, name=host)


def public_document(data: dict, *, status: int = 200, content_type: str = "application/json"):
    """A public, read-only JSON document (a curriculum item, an Open Badges assertion) that
    any site may fetch: verifiers and backpacks run in other origins' browsers."""
    response = JsonResponse(
        data,
        status=status,
        content_type=content_type,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
