"""Addresses of Waymark's own pages as the outside world sees them."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """The public URL of a path on this site. Built from SITE_URL, not the request's Host
    header, so that identifiers published in documents (curriculum items, badges) are
    stable whichever address a request came in on."""
    return settings.SITE_URL + path
