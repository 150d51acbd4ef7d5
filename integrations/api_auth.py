"""OAuth 2.0 access tokens on the API: `Authorization: Bearer …`."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from core.api_scopes import declared_scopes
from core.site import absolute_url
from integrations.models import Connection
from integrations.scopes import SCOPES

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


class OAuthScheme(OpenApiAuthenticationExtension):
    """OAuth 2.0 in the OpenAPI schema: the flows, the scopes in words, and on each
    operation the scopes it needs (none listed where apps may not use it). Registered by
    being defined; REST framework imports this module with its authentication classes."""

    target_class = "integrations.api_auth.OAuthAccessTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        scopes = declared_scopes(auto_schema.view, auto_schema.method)
        return None if scopes is None else {self.name: list(scopes)}

    def get_security_definition(self, auto_schema):
        token_url = absolute_url(reverse("oauth2_provider:token"))
        return {
            "type": "oauth2",
            "description": (
                "An app's access token, sent as `Authorization: Bearer …`. Apps use the "
                "authorization code flow with PKCE (S256); an organisation's own "
                "integrations may use client credentials. See "
                "/.well-known/oauth-authorization-server."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": absolute_url(reverse("oauth2_provider:authorize")),
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": SCOPES,
                },
                "clientCredentials": {"tokenUrl": token_url, "scopes": SCOPES},
            },
        }
