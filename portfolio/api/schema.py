"""What the OpenAPI schema needs beyond the serializers: the error answers each operation
documents, and choice sets with names of their own."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer

NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such entry, or not one you can see (others' drafts included)."
)
EVIDENCE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such evidence, or it belongs to an entry you cannot see."
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="You can see the entry but this is not yours to do."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The entry's status does not allow this (code `conflict`): it is locked while "
        "waiting for sign-off or signed off, or the request was already decided, or its "
        "evidence is still being processed."
    ),
)


# Writing an entry: its fields, and a reflection that may identify a patient.
ENTRY_INVALID = OpenApiResponse(
    ErrorSerializer,
    description=(
        "Invalid fields; see `error.fields`. Also a reflection that looks as if it may "
        "identify a patient (an NHS number, a date of birth, a hospital number) when "
        "`identifiers_checked` is not `true`: the warnings are under each reflection field "
        "concerned, and `identifiers_checked` says what to confirm. Nothing is saved."
    ),
    examples=[
        OpenApiExample(
            "A reflection that may identify a patient",
            value={
                "error": {
                    "status": 400,
                    "code": "invalid",
                    "message": "The request has invalid fields.",
                    "fields": {
                        "reflection_what_happened": [
                            "It contains what looks like an NHS number.",
                            "It may identify a patient: remove anything that could, or send "
                            "`identifiers_checked: true` if you are sure nobody can be "
                            "identified from it.",
                        ],
                        "identifiers_checked": [
                            "Check the reflection before saving: it looks as if it may "
                            "identify a patient."
                        ],
                    },
                }
            },
        )
    ],
)


def entry_errors(*codes: int) -> dict:
    known = {400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
    return {code: known[code] for code in codes}


def entry_write_errors(*codes: int) -> dict:
    """As entry_errors, for logging or changing an entry's fields."""
    return {**entry_errors(*codes), **({400: ENTRY_INVALID} if 400 in codes else {})}
