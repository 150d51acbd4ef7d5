from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

# Recording every use would write on every API call; once a minute is enough to show
# "last used" on the account page.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# Every personal access token starts with knox's TOKEN_PREFIX; OAuth access tokens never do.
PERSONAL_TOKEN_PREFIX = b"wm_"


class PersonalAccessTokenAuthentication(TokenAuthentication):
    """`Authorization: Token wm_…` with a personal access token from the account page, or
    `Authorization: Bearer wm_…` as most HTTP clients send tokens. A Bearer token without
    the prefix is left to the next authentication class (OAuth's access tokens)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if len(header) == 2 and header[0].lower() == b"bearer":
            if not header[1].startswith(PERSONAL_TOKEN_PREFIX):
                return None
            return self.authenticate_credentials(header[1])
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes):
        # Tokens are ASCII. knox decodes the header as UTF-8 and would fail with a 500 on
        # bytes that are not; anything undecodable is simply not a token.
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse the presented token once it has expired, and delete it, as knox does. knox
        would also read every other token of the user, on every API call, to delete those
        that expired: a query per call for housekeeping. The account page lists an expired
        token as expired until its owner revokes it."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
