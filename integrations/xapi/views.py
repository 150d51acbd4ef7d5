"""The xAPI 1.0.3 statements resource and about resource, for e-learning providers. Plain
Django views: xAPI has its own headers and error answers, not the REST API's."""

import json

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import StateConflict
from integrations.xapi import selectors, services
from integrations.xapi.auth import provider_of
from integrations.xapi.statements import MalformedStatement, statement_id

VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"


def _answer(response: HttpResponse) -> HttpResponse:
    # Every response carries the version, errors included (xAPI-Communication 3.3).
    response[VERSION_HEADER] = VERSION
    return response


def _error(status: int, message: str) -> HttpResponse:
    return _answer(JsonResponse({"error": message}, status=status))


@require_http_methods(["GET", "HEAD"])
def about(request):
    return _answer(JsonResponse({"version": [VERSION]}))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST", "PUT"])
def statements(request):
    version = request.headers.get(VERSION_HEADER, "")
    if not version:
        return _error(400, f"The {VERSION_HEADER} header is required.")
    if not version.startswith("1.0"):
        return _error(400, f"{VERSION_HEADER} {version} is not supported; send 1.0.3.")
    provider = provider_of(request)
    if provider is None:
        response = _error(401, "Send the provider's xAPI key and secret as HTTP Basic.")
        response["WWW-Authenticate"] = 'Basic realm="Waymark xAPI"'
        return response
    try:
        if request.method in ("GET", "HEAD"):
            return _get(request, provider)
        return _store(request, provider)
    except MalformedStatement as error:
        return _error(400, str(error))
    except PermissionDenied as error:
        return _error(403, str(error))
    except StateConflict as error:
        return _error(409, str(error))


def _get(request, provider):
    wanted = request.GET.get("statementId"), request.GET.get("voidedStatementId")
    if all(wanted) or not any(wanted):
        return _error(400, "Give statementId or voidedStatementId (this LRS answers no queries).")
    voided = wanted[1] is not None
    found = selectors.statement_of(
        provider, statement_id(wanted[1] if voided else wanted[0], "statementId"), voided=voided
    )
    if found is None:
        return _error(404, "No such statement from this provider.")
    return _answer(JsonResponse(_as_stored(found, provider)))


def _as_stored(statement, provider) -> dict:
    """The statement with what the LRS adds to every statement it returns (xAPI-Data 2.2):
    when it was stored, the version, and the authority it was received from."""
    return {
        "version": "1.0.0",
        **statement.raw,
        "stored": statement.stored_at.isoformat(),
        "authority": {
            "objectType": "Agent",
            "name": provider.name,
            "account": {"homePage": settings.SITE_URL, "name": provider.slug},
        },
    }


def _store(request, provider):
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body must be JSON.")
    if request.method == "PUT":
        given = request.GET.get("statementId")
        if not given:
            return _error(400, "PUT needs the statementId parameter.")
        given = str(statement_id(given, "statementId"))
        if not isinstance(body, dict):
            return _error(400, "PUT takes one statement.")
        if "id" in body and str(statement_id(body["id"])) != given:
            return _error(400, "The statement's id differs from statementId.")
        services.record_statements(provider=provider, received=[{**body, "id": given}])
        return _answer(HttpResponse(status=204))
    received = body if isinstance(body, list) else [body]
    if not received:
        return _error(400, "Send at least one statement.")
    ids = services.record_statements(provider=provider, received=received)
    return _answer(JsonResponse(ids, safe=False))
