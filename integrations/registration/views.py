"""Dynamic Client Registration (RFC 7591), as the Open Badges 3.0 API asks of a host: a
badge wallet registers itself, then asks the person for consent as any other app does.

django-oauth-toolkit's registration endpoint makes the app. Before it does, Waymark checks
what the toolkit leaves open (redirect URIs over https or to the loopback address a native
app listens on, scopes Waymark knows, https pages, the authorization code grant only) and
limits how often one address may register; after, it keeps the metadata the toolkit has
no column for, audits the registration, and answers with all of it."""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from oauth2_provider import views as toolkit
from oauth2_provider.models import get_application_model
from rest_framework.throttling import SimpleRateThrottle

from integrations.registration.services import record_registration
from integrations.scopes import DEFAULT_SCOPES, SCOPES
from integrations.services import LOOPBACK_HOSTS

PAGES = ("client_uri", "logo_uri", "tos_uri", "policy_uri")
KEPT = ("client_name", "software_id", "software_version", "contacts", *PAGES)
GRANTS = {"authorization_code", "refresh_token"}


class RegistrationThrottle(SimpleRateThrottle):
    """Per address, signed in or not: registering is open to anyone, so it is what a
    flood of made-up apps would use."""

    scope = "oauth_registration"

    def get_rate(self):
        return settings.OAUTH_REGISTRATION_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class Refused(ValueError):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error


def _https(value, name: str) -> None:
    if not isinstance(value, str) or urlsplit(value).scheme != "https":
        raise Refused("invalid_client_metadata", f"{name} must be an https:// address.")


def _redirect_uri(uri) -> None:
    # A code sent over plain http to another machine can be read on the way; only the
    # loopback address a native app listens on may use it (RFC 8252 section 7.3).
    parts = urlsplit(uri) if isinstance(uri, str) else None
    if parts is None or parts.fragment or not parts.hostname:
        raise Refused("invalid_redirect_uri", f"{uri!r} is not an absolute address.")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return
    raise Refused(
        "invalid_redirect_uri", f"{uri} must use https (plain http only for the loopback address)."
    )


def checked_metadata(data: dict) -> dict:
    """What Waymark keeps of the metadata, or Refused with RFC 7591's error code."""
    uris = data.get("redirect_uris")
    if not isinstance(uris, list) or not uris:
        raise Refused("invalid_redirect_uri", "redirect_uris must list at least one address.")
    for uri in uris:
        _redirect_uri(uri)
    if not isinstance(data.get("client_name"), str) or not data["client_name"].strip():
        raise Refused("invalid_client_metadata", "client_name is required.")
    for name in PAGES:
        if name in data:
            _https(data[name], name)
    grants = data.get("grant_types", ["authorization_code"])
    if not isinstance(grants, list) or "authorization_code" not in grants or set(grants) - GRANTS:
        raise Refused(
            "invalid_client_metadata",
            "grant_types may be authorization_code and refresh_token only: apps act for a "
            "person who consents.",
        )
    if data.get("response_types", ["code"]) != ["code"]:
        raise Refused("invalid_client_metadata", 'response_types may only be ["code"].')
    scope = data.get("scope", " ".join(DEFAULT_SCOPES))
    unknown = sorted(set(str(scope).split()) - set(SCOPES)) if isinstance(scope, str) else [scope]
    if unknown or not scope.split():
        raise Refused("invalid_client_metadata", f"Unknown scope: {' '.join(map(str, unknown))}.")
    kept = {name: data[name] for name in KEPT if name in data}
    return {**kept, "scope": " ".join(scope.split())}


class ClientRegistrationView(toolkit.DynamicClientRegistrationView):
    def post(self, request, *args, **kwargs):
        throttle = RegistrationThrottle()
        if not throttle.allow_request(request, self):
            response = _error("rate_limited", "Too many registrations; try again later.", 429)
            response["Retry-After"] = str(int(throttle.wait() or 60))
            return response
        if request.content_type != "application/json":
            # RFC 7591 asks for JSON; and a cross-site form, which a browser sends with a
            # signed-in person's cookies, cannot send it without the site's consent (CORS).
            return _error("invalid_client_metadata", "Send the metadata as application/json.")
        try:
            data = json.loads(request.body)
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            return _error("invalid_client_metadata", "The body must be a JSON object.")
        try:
            metadata = checked_metadata(data)
        except Refused as refused:
            return _error(refused.error, str(refused))
        with transaction.atomic():
            response = super().post(request, *args, **kwargs)
            if response.status_code != 201:
                return response
            answer = json.loads(response.content)
            application = get_application_model().objects.get(client_id=answer["client_id"])
            record_registration(application=application, metadata=metadata)
        method = data.get("token_endpoint_auth_method", answer["token_endpoint_auth_method"])
        answer.update(
            metadata,
            token_endpoint_auth_method=method,
            response_types=["code"],
            client_id_issued_at=int(application.created.timestamp()),
        )
        if "client_secret" in answer:
            answer["client_secret_expires_at"] = 0  # RFC 7591: it does not expire
        return JsonResponse(answer, status=201, headers={"Cache-Control": "no-store"})


class ClientConfigurationView(toolkit.DynamicClientRegistrationManagementView):
    """RFC 7592: an app reads or deletes its own registration with its registration
    token. Changing it is not offered: a change would skip the checks above."""

    http_method_names = ["get", "delete", "options"]


def _error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)
