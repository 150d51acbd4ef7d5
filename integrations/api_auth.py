"""OAuth 2.0 access tokens on the API: `Authorization: Bearer …`."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from integrations.models import Connection

# As for personal access tokens: "last used" to the minute, not a write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class OAuthAccessTokenAuthentication(OAuth2Authentication):
    """An app's access token. A Bearer token that is not valid (unknown, expired or
    revoked) is refused with 401, as a bad personal access token is, rather than treated
    as no token at all. Scopes are checked per view by core.api.TokenHasDeclaredScope."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Bearer header.")
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked access token.")
        user, token = result
        if user is None:
            # A client-credentials token: an organisation's app, acting for no person.
            return AnonymousUser(), token
        self._record_use(token)
        return user, token

    def _record_use(self, token) -> None:
        now = timezone.now()
        Connection.objects.filter(
            user_id=token.user_id, application_id=token.application_id
        ).exclude(last_used_at__gt=now - LAST_USED_RESOLUTION).update(last_used_at=now)
