"""Checking an Open Badges 3.0 credential, from this Waymark or any other issuer, as the
public "verify a credential" page does: POST /credential-checks/ answers the same report,
step by step, and changes nothing. Open to anyone, like the page."""

import json

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import parsers, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from badges.ob3 import verifying
from core.api import INVALID
from core.api_scopes import ANY_SCOPE, TokenHasDeclaredScope


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object", "additionalProperties": True},
            {"type": "string", "maxLength": verifying.MAX_BYTES},
        ]
    }
)
class CredentialField(serializers.Field):
    """A credential as a JSON object (JSON-LD with an embedded proof) or as text: that JSON
    written out, or a VC-JWT. Read as text, which is what the verifier reads."""

    default_error_messages = {
        "invalid": "A credential is a JSON object, or text: JSON or a VC-JWT.",
        "too_long": "That is too long to be a credential.",
    }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = json.dumps(data)
        if not isinstance(data, str):
            self.fail("invalid")
        if len(data) > verifying.MAX_BYTES:
            self.fail("too_long")
        return data


EMAIL_HELP = "Optional. Also check whether the credential was issued to this address."


class CredentialJsonSerializer(serializers.Serializer):
    credential = CredentialField(
        help_text="The credential: a JSON object, or text (JSON or a VC-JWT)."
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, default="", help_text=EMAIL_HELP
    )


class CredentialCheckSerializer(CredentialJsonSerializer):
    """A JSON body's fields, or a multipart body's, which may bring a baked image instead."""

    credential = CredentialField(
        required=False,
        help_text="The credential as text (JSON or a VC-JWT); leave it out to send `image`.",
    )
    image = serializers.FileField(
        required=False,
        help_text="Instead of `credential`: a PNG or SVG with an Open Badges 3.0 credential "
        "baked into it, at most 2 MB.",
    )


class CredentialCheckStepSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Reading, Proof, Issuer, Status, Validity, Recipient.")
    outcome = serializers.ChoiceField(
        choices=[verifying.PASSED, verifying.FAILED, verifying.UNCHECKED]
    )
    detail = serializers.CharField(help_text="What was found, in words.")


class CredentialReportSerializer(serializers.Serializer):
    verified = serializers.BooleanField(help_text="true when no step failed.")
    form = serializers.CharField(
        help_text="How the credential came: “JSON-LD with an embedded proof” or “VC-JWT”; "
        "empty if it could not be read."
    )
    steps = CredentialCheckStepSerializer(
        many=True, help_text="Each check in turn, as the page lists them."
    )
    credential = serializers.SerializerMethodField(
        help_text="The credential once its proof verifies (from a VC-JWT, its payload); null "
        "if it does not."
    )

    @extend_schema_field({"type": "object", "additionalProperties": True, "nullable": True})
    def get_credential(self, report):
        if report.failed("Proof") or not any(step.name == "Proof" for step in report.steps):
            return None
        return report.credential


class CredentialCheckView(APIView):
    """Anyone may check a credential, signed in or not, as on the page."""

    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    # Reads nothing private: open to every app's token as to people without one.
    oauth_scopes = {"write": ANY_SCOPE}

    def get_permissions(self):
        return [TokenHasDeclaredScope(), permissions.AllowAny()]

    @extend_schema(
        tags=["badges"],
        summary="Check an Open Badges 3.0 credential",
        description="As the public “verify a credential” page does, for a credential of any "
        "issuer: its proof (the issuer's key is looked up in Waymark, read from a did:key, or "
        "fetched over HTTPS from the issuer's profile), the issuer, whether it is revoked, "
        "when it is valid and, given an email address, whether it was issued to it. The "
        "answer is the report, step by step: a credential that does not verify is still "
        "200, with `verified` false. Nothing is stored. Send JSON, or multipart with a baked "
        "`image`.",
        request={
            "application/json": CredentialJsonSerializer,
            "multipart/form-data": CredentialCheckSerializer,
        },
        responses={200: CredentialReportSerializer, 400: INVALID},
        examples=[
            OpenApiExample(
                "A VC-JWT",
                value={"credential": "eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJ...fQ.c2ln"},
                request_only=True,
            ),
        ],
    )
    def post(self, request):
        serializer = CredentialCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        text = verifying.credential_text(text=data.get("credential", ""), image=data.get("image"))
        report = verifying.verify(text, email=data["email"])
        return Response(CredentialReportSerializer(report).data)
