"""The API's shared pieces: one error format, the router class, and the domain's refusals
turned into API errors once, here, so that no view translates them by hand."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import re_path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, routers, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

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
        error["fields"] = detail
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


class Conflict(exceptions.APIException):
    """The request is valid but the resource's current state refuses it: a locked entry, a
    sign-off already decided."""

    status_code = 409
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(help_text="A stable code, e.g. not_found or invalid.")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for validation errors: the problems with each field, by name.",
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response, for the schema."""

    error = ErrorDetailSerializer()


# The error responses every endpoint documents alike; each app adds its own 403/404 wording.
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid session or token.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid fields; see `error.fields`.")


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
    redirects /api/v1/me to /api/v1/me/ rather than answering 404."""

    def get_urls(self):
        return [*super().get_urls(), re_path(r"^.*/$", not_found, name="not-found")]


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
