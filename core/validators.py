"""Validators for values Waymark publishes to other systems."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# Characters RFC 3986 does not allow anywhere in a URI. Django's URLValidator lets them
# through in the path; a published document (an Open Badges issuer) must not carry them.
NOT_IN_A_URI = re.compile(r'["<>\\^`{|}\s]')

_http_url = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address that starts with https:// (or http://).",
)


def validate_web_address(value: str) -> None:
    """An absolute http(s) URI, as a verifier or a browser will read it."""
    _http_url(value)
    if NOT_IN_A_URI.search(value):
        raise ValidationError(
            'A web address cannot contain spaces or any of " < > \\ ^ ` { | }.',
            code="invalid_uri",
        )
