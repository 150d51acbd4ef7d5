"""The API's shared pieces: the router every app registers on, and one error format."""

from rest_framework import exceptions, routers
from rest_framework.views import exception_handler as drf_exception_handler

router = routers.DefaultRouter()


def exception_handler(exc, context):
    """Every API error has the same shape:

        {"error": {"status": 400, "code": "invalid", "message": "...",
                   "fields": {"name": ["This field is required."]}}}

    `fields` appears only for validation errors, keyed by field name.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    error = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        error["code"] = "invalid"
        error["message"] = "The request has invalid fields."
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        error["fields"] = detail
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        error["code"] = codes if isinstance(codes, str) else exc.default_code
        error["message"] = (
            str(exc.detail) if not isinstance(exc.detail, (dict, list)) else exc.default_detail
        )
    else:  # Http404 and PermissionDenied from Django, translated by DRF
        error["code"] = "not_found" if response.status_code == 404 else "permission_denied"
        error["message"] = str(response.data.get("detail", ""))
    response.data = {"error": error}
    return response
