"""Who is sending statements: an e-learning provider's key and secret as HTTP Basic, as
xAPI clients send them, or an access token its OAuth app got with client credentials."""

import base64
import binascii
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.oauth2_backends import get_oauthlib_core

from accounts.models import Organisation
from integrations.xapi.models import XapiCredential
from integrations.xapi.services import secret_matches

# A statement writes learning entries, so a token needs the scope that does.
OAUTH_SCOPE = "entries:write"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def provider_of(request) -> Organisation | None:
    """The provider the request authenticates as, or None."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        return _basic(credentials.strip())
    if scheme.lower() == "bearer":
        return _bearer(request)
    return None


def _basic(credentials: str) -> Organisation | None:
    try:
        key, _, secret = base64.b64decode(credentials, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    credential = (
        XapiCredential.objects.active().select_related("organisation").filter(key=key).first()
    )
    if credential is None or not secret_matches(credential, secret):
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
        XapiCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential.organisation


def _bearer(request) -> Organisation | None:
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[OAUTH_SCOPE])
    if not valid:
        return None
    token = oauth_request.access_token
    if token.user_id is not None:
        return None  # a person's token: statements come from the provider's own systems
    link = getattr(token.application, "organisation_app", None)
    return link.organisation if link else None
