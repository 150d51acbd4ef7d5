"""django-oauth-toolkit's request validator, with Waymark's audit of what apps give back."""

import hashlib

from django.db import transaction
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator

from integrations import services


class WaymarkOAuth2Validator(OAuth2Validator):
    @transaction.atomic
    def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
        """Revoke as the toolkit does (only the calling app's own tokens), and audit each
        live token of a person's that this revokes."""
        application_pk = getattr(request.client, "pk", None)
        live = []
        if application_pk is not None:
            lookup = {
                "token_checksum": hashlib.sha256(token.encode("utf-8")).hexdigest(),
                "application_id": application_pk,
            }
            live = [
                *((t, "access_token") for t in AccessToken.objects.filter(**lookup)),
                *(
                    (t, "refresh_token")
                    for t in RefreshToken.objects.filter(revoked__isnull=True, **lookup)
                ),
            ]
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)
        for row, kind in live:
            services.record_token_revocation(token=row, kind=kind)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        """An app that registered itself gets no scope beyond those it registered for."""
        registered = getattr(client, "registered_client", None)
        if registered is not None and not set(scopes) <= set(registered.scope.split()):
            return False
        return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
