"""The API's shared pieces: one error format, the router class, and the domain's refusals
turned into API errors once, here, so that no view translates them by hand."""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import slug_re
from django.http import Http404
from django.urls import re_path
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, routers, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.api_scopes import ANY_SCOPE, declared_scopes
from core.errors import StateConflict

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def exception_handler(exc, context):
    """Every API error has the same shape:

        {"error": {"status": 400, "code": "invalid", "message": "...",
                   "fields": {"name": ["This field is required."]}}}

    `fields` appears only for validation errors, keyed by field name.
    """
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    error = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        error["message"] = "The request has invalid fields."
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        # A field's problems are always a list, even where a view raised one message alone.
        error["fields"] = {
            name: problems if isinstance(problems, (list, dict)) else [problems]
            for name, problems in detail.items()
        }
    else:
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else exc.default_code
        error["message"] = (
            str(exc.detail) if not isinstance(exc.detail, (dict, list)) else str(exc.default_detail)
        )
    response.data = {"error": error}
    return response


def _as_api_exception(exc):
    """Django's and the domain's exceptions become their REST framework equivalents first,
    so that they carry a code and a message like every other error: a service's
    ValidationError is 400 with its fields, PermissionDenied 403, a state conflict 409."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(field_errors(exc))
    if isinstance(exc, StateConflict):
        return Conflict(str(exc))
    return exc


def field_errors(error: DjangoValidationError) -> dict:
    """A Django ValidationError as the API's `fields`: by field name, with errors that name
    no field under REST framework's non-field key."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    fields = dict(error.message_dict)
    if NON_FIELD_ERRORS in fields:
        fields[api_settings.NON_FIELD_ERRORS_KEY] = fields.pop(NON_FIELD_ERRORS)
    return fields


# The largest id a database row can have (a 64-bit primary key).
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """An object's id, sent in a body. Bounded like the database's ids, so that one too large
    for a query is refused as invalid instead of failing the query."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class SlugRelatedField(serializers.SlugRelatedField):
    """An object named by its slug. Text that cannot be a slug is refused as naming nothing
    before any query: PostgreSQL refuses a NUL byte in a query outright, which would be a
    server error rather than the field's message."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not slug_re.match(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class Conflict(exceptions.APIException):
    """The request is valid but the resource's current state refuses it: a locked entry, a
    sign-off already decided."""

    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
            ]
        },
    }
)
class FieldProblemsField(serializers.DictField):
    """A field's problems are a list of messages; a list or nested field's are an object
    of its items' or subfields' problems, by position or name, in the same shape (for
    `"tags": ["ok", "far too long…"]`, `{"tags": {"1": ["Ensure this field…"]}}`)."""


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(help_text="A stable code, e.g. not_found or invalid.")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = FieldProblemsField(
        required=False,
        help_text=(
            "Only for validation errors: the problems with each field, by name. A list or "
            "nested field's are by position or subfield name, in the same shape."
        ),
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response, for the schema."""

    error = ErrorDetailSerializer()


# The error responses every endpoint documents alike; each app adds its own 403/404 wording.
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid session or token.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid fields; see `error.fields`.")


# --- The schema -----------------------------------------------------------------------------
# What the OpenAPI schema says about every operation alike, written once here so that it stays
# true as operations are added: the errors any operation can answer with, and the shapes of
# values REST framework writes differently from what drf-spectacular assumes. The schema
# fuzzing run (tests/api/test_schema_fuzz.py, `make fuzz`) holds the schema to the answers.
def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


BAD_TOKEN = _error(
    "The token sent is not valid: unknown, expired or revoked. "
    "This operation needs none, but one that is sent must be valid."
)
INVALID_FILTER = _error("A filter's value is not valid; see `error.fields`.")
NO_SUCH_PAGE = _error("No such page: `page` is past the last page, or not a whole number from 1.")
NOT_FOUND = _error("Nothing you can see has this id.")
UNSUPPORTED_BODY = _error(
    "The request body is not in a media type this operation reads, or could not be parsed as "
    "the one its `Content-Type` names."
)
INSUFFICIENT_SCOPE = _error(
    "An app's OAuth token lacks the scope this operation needs (code `insufficient_scope`; "
    "the message names it), or the operation is closed to apps."
)
THROTTLED = _error(
    "Too many requests (code `throttled`); the `Retry-After` header says how many seconds to wait."
)


# Named by DEFAULT_SCHEMA_CLASS, which REST framework imports when the first view below is
# decorated: it must be defined above them.
class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the error answers that come from the machinery every
    operation shares rather than from the operation itself: authentication, rate limits,
    pagination, filters and the id in the path. An operation that documents one of these
    codes itself keeps its own wording."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._shared_errors():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return dict(sorted(responses.items()))

    def _shared_errors(self):
        view = self.view
        if view.get_authenticators():
            # Public operations still refuse a token that is not valid, rather than
            # silently answering as if nobody had signed in.
            public = not self.get_auth() or {} in self.get_auth()
            yield "401", BAD_TOKEN if public else UNAUTHENTICATED
            if declared_scopes(view, self.method) != ANY_SCOPE:
                yield "403", INSUFFICIENT_SCOPE
        if view.get_throttles():
            yield "429", THROTTLED
        if self.method in ("POST", "PUT", "PATCH"):
            yield "415", UNSUPPORTED_BODY
        if self._is_list_view() and self.method == "GET":
            if self._get_paginator():
                yield "404", NO_SUCH_PAGE
            if self._has_filters():
                yield "400", INVALID_FILTER
        if "{" in self.path:
            yield "404", NOT_FOUND

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular leaves out that a list may not be empty.
        if getattr(field, "allow_empty", True) is False and schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        return schema

    def _has_filters(self) -> bool:
        return any(
            getattr(self.view, name, None) for name in ("filterset_class", "filterset_fields")
        ) and bool(self.get_filter_backends())


class TimeFieldSchema(OpenApiSerializerFieldExtension):
    """A time of day as REST framework writes it: local wall-clock time with no offset
    (`14:30:00`). JSON Schema's `format: time` is RFC 3339's full-time, which requires an
    offset, so the schema would call every answer wrong. Sent times may drop the seconds;
    an offset sent with one is ignored."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "example": "14:30:00",
        }


def may_be_blank(field) -> bool:
    """Whether a serializer field may hold "": REST framework drops `allow_blank` from
    read-only fields, so for those the model field says."""
    if field.allow_blank:
        return True
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return model._meta.get_field(field.source).blank
    except FieldDoesNotExist:
        return False


class URLFieldSchema(OpenApiSerializerFieldExtension):
    """A web address. One that may be left blank is an empty string when it is, which is
    no URI: the schema says so rather than calling those answers wrong."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        uri = {"type": "string", "format": "uri"}
        if getattr(self.target, "max_length", None):
            uri["maxLength"] = self.target.max_length
        if not may_be_blank(self.target):
            return uri
        return {"anyOf": [uri, {"type": "string", "enum": [""]}]}


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choice set has a name of its own in the schema: one that several
    fields offer (a role), or whose field's name other choice sets share (`kind`). The schema
    would otherwise name it after the field, and --fail-on-warn refuses the collision."""

    def __init__(self, choices, *, schema_name: str, **kwargs):
        self.schema_name = schema_name
        super().__init__(choices, **kwargs)


class NamedChoiceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        choices = self.target.choices
        component = ResolvedComponent(
            name=self.target.schema_name,
            type=ResolvedComponent.SCHEMA,
            object=self.target.schema_name,
            schema={
                "type": "string",
                "enum": list(choices),
                "description": "\n".join(
                    f"* `{value}` - {label}" for value, label in choices.items()
                ),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


@extend_schema(exclude=True)
@api_view(ALL_METHODS)
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    """Any address under the API that names nothing: a 404 in the API's error format rather
    than the site's HTML page."""
    raise exceptions.NotFound()


class Router(routers.DefaultRouter):
    """The default router, ending with a catch-all that answers unknown API addresses.

    The catch-all matches only paths ending in a slash, so that Django's APPEND_SLASH still
    redirects /api/v1/me to /api/v1/me/ rather than answering 404. Any character,
    line breaks too: a path with an encoded newline is an unknown API address like any other."""

    def get_urls(self):
        return [*super().get_urls(), re_path(r"^[\s\S]*/$", not_found, name="not-found")]


# For a viewset whose rows are those a selector lets the caller see: the viewset names its
# model's empty queryset as `queryset` and says how to ask in `visible_to`. The empty queryset
# is there for the schema alone: drf-spectacular reads the model and the id's type from it,
# and builds the schema with no caller to ask the selector about. (No docstring: the schema
# would show it as the description of every viewset that has none of its own.)
class VisibleToCaller:
    def visible_to(self, user):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.all()
        return self.visible_to(self.request.user)
