"""The Open Badges API's endpoints under /ims/ob/v3p0/. OAuth tokens only, each method
with its 1EdTech scope; every error an Imsx_StatusInfo."""

import json
from datetime import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services.people import update_profile
from badges.services.external import CREATED, REPLACED, upsert_external_credential
from core.api_scopes import TokenHasDeclaredScope
from integrations.api_auth import OAuthAccessTokenAuthentication
from integrations.ob_api import documents, selectors
from integrations.scopes import (
    OB_CREDENTIAL_READ,
    OB_CREDENTIAL_UPSERT,
    OB_PROFILE_READ,
    OB_PROFILE_UPDATE,
)

DEFAULT_LIMIT, MAX_LIMIT = 50, 100


class OpenBadgesView(APIView):
    authentication_classes = [OAuthAccessTokenAuthentication]
    permission_classes = [TokenHasDeclaredScope, IsAuthenticated]
    # Described by its own service description (/discovery), in the specification's
    # terms, rather than in Waymark's API schema.
    schema = None

    def get_exception_handler(self):
        return documents.exception_handler


def _refusal(error: ValidationError) -> exceptions.ValidationError:
    return exceptions.ValidationError(
        error.message_dict if hasattr(error, "error_dict") else error.messages
    )


class DiscoveryView(APIView):
    """Public: how to register and be authorised, before any token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None

    def get_exception_handler(self):
        return documents.exception_handler

    def get(self, request):
        return Response(documents.service_description())


def _number(request, name: str, default: int, least: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise _bad_query(f"{name} must be a whole number of at least {least}.")
    return value


def _bad_query(description: str) -> exceptions.APIException:
    error = exceptions.ValidationError(description)
    error.code_minor = "invalid_query_parameter"
    return error


def _since(request) -> datetime | None:
    raw = request.query_params.get("since")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _bad_query("since must be a date and time with its offset, as in RFC 3339.")
    return moment


def _links(request, *, limit: int, offset: int, total: int) -> str:
    """RFC 8288 links to the first, previous, next and last pages, as the spec asks."""
    base = request.build_absolute_uri(request.path)
    kept = {k: v for k, v in request.query_params.items() if k == "since"}

    def link(at: int, rel: str) -> str:
        return f'<{base}?{urlencode({**kept, "limit": limit, "offset": at})}>; rel="{rel}"'

    last = max(total - 1, 0) // limit * limit
    links = [link(0, "first")]
    if offset > 0:
        links.append(link(max(offset - limit, 0), "prev"))
    if offset + limit < total:
        links.append(link(offset + limit, "next"))
    links.append(link(last, "last"))
    return ", ".join(links)


class CompactJwsParser(BaseParser):
    """A credential as a VC-JWT comes as text/plain (the spec's CompactJws)."""

    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return stream.read().decode("utf-8") if stream else ""
        except UnicodeDecodeError as error:
            raise exceptions.ParseError("The credential must be UTF-8 text.") from error


class CredentialsView(OpenBadgesView):
    oauth_scopes = {"read": OB_CREDENTIAL_READ, "write": OB_CREDENTIAL_UPSERT}
    parser_classes = [JSONParser, CompactJwsParser]

    def get(self, request):
        limit = min(_number(request, "limit", DEFAULT_LIMIT, 1), MAX_LIMIT)
        offset = _number(request, "offset", 0, 0)
        since = _since(request)
        selectors.sign_missing_credentials(request.user)
        keys = selectors.held_credentials(request.user, since=since)
        credential, compact = selectors.credentials_page(keys[offset : offset + limit])
        body = {"credential": credential, "compactJwsStrings": compact}
        return Response(
            body,
            headers={
                "X-Total-Count": str(len(keys)),
                "Link": _links(request, limit=limit, offset=offset, total=len(keys)),
            },
        )

    def post(self, request):
        # Parsed JSON is written out again for the verifier: the proof covers the
        # credential's canonical form, not its bytes.
        data = request.data
        text = data if isinstance(data, str) else json.dumps(data)
        application = request.auth.application
        try:
            upserted = upsert_external_credential(
                actor=request.user,
                trainee=request.user,
                text=text,
                source=f"{application.name or 'An app'} (OAuth client {application.client_id})",
            )
        except ValidationError as error:
            raise _refusal(error) from error
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        if upserted.outcome not in (CREATED, REPLACED):
            # Unchanged, or the trainee's own award sent back: held already.
            return HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
        answer = status.HTTP_201_CREATED if upserted.outcome == CREATED else status.HTTP_200_OK
        badge = upserted.badge
        if badge.credential is None:
            return HttpResponse(badge.credential_jwt, status=answer, content_type="text/plain")
        return Response(badge.credential, status=answer)


class ProfileView(OpenBadgesView):
    oauth_scopes = {"read": OB_PROFILE_READ, "write": OB_PROFILE_UPDATE}

    def get(self, request):
        return Response(documents.profile(request.user))

    def put(self, request):
        data = request.data
        if not isinstance(data, dict):
            raise exceptions.ValidationError("The body must be a Profile as a JSON object.")
        user = request.user
        if "email" in data and str(data["email"]).strip().lower() != user.email.lower():
            # The email address is the one badges are issued to; it changes only in
            # Waymark's own settings, where the new address is confirmed.
            raise exceptions.ValidationError(
                {"email": "The email address is changed in Waymark's account settings."}
            )
        name = data.get("name", user.full_name)
        if not isinstance(name, str):
            raise exceptions.ValidationError({"name": "The name must be text."})
        try:
            update_profile(
                user=user,
                full_name=name.strip(),
                registration_number=user.registration_number,
                actor=user,
            )
        except ValidationError as error:
            raise _refusal(error) from error
        return Response(documents.profile(user))
