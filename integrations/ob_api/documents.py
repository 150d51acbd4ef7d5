"""The Open Badges API's own documents: errors as Imsx_StatusInfo, the trainee's Profile,
and the service description (an OpenAPI document) served at /discovery."""

import uuid

from django.conf import settings
from django.urls import reverse
from rest_framework import status
from rest_framework.views import exception_handler as rest_framework_handler

from core.site import absolute_url
from integrations.scopes import (
    OB_CREDENTIAL_READ,
    OB_CREDENTIAL_UPSERT,
    OB_PROFILE_READ,
    OB_PROFILE_UPDATE,
    SCOPES,
)

# The spec's imsx_codeMinorFieldValue for each status this API answers with.
CODE_MINOR = {
    status.HTTP_400_BAD_REQUEST: "invalid_data",
    status.HTTP_401_UNAUTHORIZED: "unauthorizedrequest",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "invalid_data",
    status.HTTP_429_TOO_MANY_REQUESTS: "server_busy",
}


def status_info(description: str, code_minor: str) -> dict:
    """An Imsx_StatusInfo, the body of every error the Open Badges API answers with."""
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": code_minor,
                }
            ]
        },
    }


def _described(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(f"{name}: {_described(value)}" for name, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_described(value) for value in detail)
    return str(detail)


def exception_handler(exc, context):
    """REST framework's answer (status, WWW-Authenticate, Retry-After), with the body
    replaced by Imsx_StatusInfo."""
    response = rest_framework_handler(exc, context)
    if response is not None:
        response.data = status_info(
            _described(response.data),
            getattr(exc, "code_minor", None)
            or CODE_MINOR.get(response.status_code, "invalid_data"),
        )
    return response


def profile(user) -> dict:
    """The trainee as an Open Badges Profile. Its id is stable and says nothing of the
    account's number or email address to anyone who sees it elsewhere."""
    person = uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/people/{user.pk}")
    return {
        "id": f"urn:uuid:{person}",
        "type": ["Profile"],
        "name": user.full_name or user.email,
        "email": user.email,
    }


def _operation(operation_id: str, summary: str, scope: str | None, responses: dict, **extra):
    answer = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["OpenBadgeCredentials"],
        "responses": {
            **responses,
            "default": {
                "description": "An error, described by an Imsx_StatusInfo.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Imsx_StatusInfo"}}
                },
            },
        },
        **extra,
    }
    if scope:
        answer["security"] = [{"OAuth2ACG": [scope]}]
    return answer


def _json(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def service_description() -> dict:
    """The ServiceDescriptionDocument of the spec's section on discovery: where the API
    is, and how an app registers and is authorised to use it."""
    token_url = absolute_url(reverse("oauth2_provider:token"))
    credential = {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
            "text/plain": {"schema": {"$ref": "#/components/schemas/CompactJws"}},
        }
    }
    return {
        "openapi": "3.0.1",
        "info": {
            "title": "Waymark",
            "description": (
                "Open Badges 3.0 API: the badges trainees earn on Waymark, for their wallets."
            ),
            "version": "3.0",
            "termsOfService": absolute_url("/"),
            "x-imssf-privacyPolicyUrl": absolute_url("/"),
            "x-imssf-image": absolute_url("/static/img/favicon.svg"),
        },
        "servers": [
            {"url": absolute_url(reverse("ob_api:credentials")).rsplit("/credentials", 1)[0]}
        ],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": _operation(
                    "getCredentials",
                    "The trainee's credentials, oldest first.",
                    OB_CREDENTIAL_READ,
                    {"200": _json("A page of credentials.", "GetOpenBadgeCredentialsResponse")},
                    parameters=[
                        _query("limit", {"type": "integer", "minimum": 1}, "At most this many."),
                        _query("offset", {"type": "integer", "minimum": 0}, "Skip this many."),
                        _query(
                            "since",
                            {"type": "string", "format": "date-time"},
                            "Only those issued after.",
                        ),
                    ],
                ),
                "post": _operation(
                    "upsertCredential",
                    "Keep a credential as one of the trainee's badges, or replace it.",
                    OB_CREDENTIAL_UPSERT,
                    {
                        "200": {"description": "Replaced.", **credential},
                        "201": {"description": "Created.", **credential},
                        "304": {"description": "Already held, unchanged."},
                    },
                    requestBody={"required": True, **credential},
                ),
            },
            "/profile": {
                "get": _operation(
                    "getProfile",
                    "The trainee's profile.",
                    OB_PROFILE_READ,
                    {"200": _json("The profile.", "Profile")},
                ),
                "put": _operation(
                    "putProfile",
                    "Change the trainee's name.",
                    OB_PROFILE_UPDATE,
                    {"200": _json("The profile as changed.", "Profile")},
                    requestBody={"required": True, "content": _json("", "Profile")["content"]},
                ),
            },
            "/discovery": {
                "get": {
                    "operationId": "getServiceDescription",
                    "tags": ["Discovery"],
                    "responses": {"200": _json("This document.", "ServiceDescriptionDocument")},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 authorization code grant with PKCE (S256).",
                    "x-imssf-name": "Waymark",
                    "x-imssf-registrationUrl": absolute_url(
                        reverse("oauth2_provider:dcr-register")
                    ),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": absolute_url(reverse("oauth2_provider:authorize")),
                            "tokenUrl": token_url,
                            "refreshUrl": token_url,
                            "scopes": {
                                scope: SCOPES[scope]
                                for scope in (
                                    OB_CREDENTIAL_READ,
                                    OB_CREDENTIAL_UPSERT,
                                    OB_PROFILE_READ,
                                    OB_PROFILE_UPDATE,
                                )
                            },
                        }
                    },
                }
            },
            "schemas": {
                # The spec's own JSON Schemas define these; named here for the references.
                name: {
                    "type": kind,
                    "externalDocs": {"url": "https://www.imsglobal.org/spec/ob/v3p0/"},
                }
                for name, kind in (
                    ("AchievementCredential", "object"),
                    ("CompactJws", "string"),
                    ("GetOpenBadgeCredentialsResponse", "object"),
                    ("Profile", "object"),
                    ("ServiceDescriptionDocument", "object"),
                    ("Imsx_StatusInfo", "object"),
                )
            },
        },
    }
