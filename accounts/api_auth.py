from datetime import timedelta

from django.utils import timezone
from knox.auth import TokenAuthentication

# Recording every use would write on every API call; once a minute is enough to show
# "last used" on the account page.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class PersonalAccessTokenAuthentication(TokenAuthentication):
    """`Authorization: Token wm_…` with a personal access token from the account page."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token
