"""Evidence: an entry's files and links (listed and added at /events/{id}/evidence/), one
piece of evidence, its removal and its download."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ErrorSerializer, NamedChoiceField
from core.api_rows import ManyRows
from core.errors import StateConflict
from core.site import absolute_url
from portfolio import selectors, services
from portfolio.api.schema import (
    CONFLICT,
    EVIDENCE_NOT_FOUND,
    FORBIDDEN,
    UNAUTHENTICATED,
    entry_errors,
)
from portfolio.evidence import file_response
from portfolio.models import Evidence


class EvidenceSerializer(ManyRows, serializers.ModelSerializer):
    # The API keeps its first word for an entry ("event"), as its paths do (/events/).
    event = serializers.PrimaryKeyRelatedField(source="entry", read_only=True)
    kind = NamedChoiceField(
        choices=Evidence.Kind.choices, schema_name="EvidenceKindEnum", read_only=True
    )
    state = NamedChoiceField(
        choices=Evidence.State.choices,
        schema_name="EvidenceStateEnum",
        read_only=True,
        help_text=(
            "`ready` to download. An uploaded image is `processing` at first, for a moment, "
            "while Waymark re-encodes it without its metadata; then `ready`, or `refused` "
            "(see `refusal`) with its file deleted. Links are always `ready`."
        ),
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to fetch the file, as an attachment; null for a link, and until the "
        "file is ready."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "event",
            "kind",
            "state",
            "refusal",
            "title",
            "url",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "url": {"help_text": "The web address, for a link; empty for a file."},
            "size": {"help_text": "Bytes, for a file: of the upload while it is processing."},
            "sha256": {
                "help_text": "SHA-256 of the file as stored, for a file; empty until it is ready."
            },
            "refusal": {
                "help_text": "Why Waymark refused the file, when `state` is `refused`; else empty."
            },
        }

    def get_download_url(self, evidence) -> str | None:
        if evidence.kind != Evidence.Kind.FILE or evidence.state != Evidence.State.READY:
            return None
        return absolute_url(reverse("api:evidence-download", args=[evidence.pk]))


class EvidenceFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "Checked before storing. An image is answered `processing` and re-encoded "
            "moments later; fetch the evidence again to see it `ready`."
        )
    )
    title = serializers.CharField(max_length=200, allow_blank=True, default="")


class EvidenceLinkSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000, help_text="An http or https address.")
    title = serializers.CharField(max_length=200, allow_blank=True, default="")


class EvidenceActions:
    """The evidence of one entry, as actions of the entries viewset (which supplies
    get_object)."""

    @extend_schema(
        methods=["GET"],
        summary="The entry's evidence",
        responses={200: EvidenceSerializer(many=True), **entry_errors(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a file (multipart) or a link (JSON) as evidence",
        request={
            "multipart/form-data": EvidenceFileSerializer,
            "application/json": EvidenceLinkSerializer,
        },
        responses={201: EvidenceSerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        entry = self.get_object()
        if request.method == "GET":
            return Response(EvidenceSerializer(selectors.evidence_of(entry), many=True).data)
        if "file" in request.data and "url" in request.data:
            raise serializers.ValidationError("Send a file or a link, not both.")
        is_link = "url" in request.data
        serializer = (EvidenceLinkSerializer if is_link else EvidenceFileSerializer)(
            data=request.data
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_link:
            evidence = services.add_link_evidence(
                entry=entry, actor=request.user, url=data["url"], title=data["title"]
            )
        else:
            evidence = services.add_file_evidence(
                entry=entry, actor=request.user, uploaded_file=data["file"], title=data["title"]
            )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["evidence"])
@extend_schema_view(
    retrieve=extend_schema(
        summary="One piece of evidence",
        responses={200: EvidenceSerializer, 401: UNAUTHENTICATED, 404: EVIDENCE_NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Remove evidence from an entry you can still change",
        responses={
            204: OpenApiResponse(description="Removed; the file goes with it."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: EVIDENCE_NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence of entries the caller can see."""

    serializer_class = EvidenceSerializer
    # Only for the schema; requests go through selectors.access_evidence.
    queryset = Evidence.objects.none()
    oauth_scopes = {"read": "entries:read", "write": "entries:write"}

    def get_object(self):
        return selectors.access_evidence(self.request.user, self.kwargs["pk"])

    def destroy(self, request, pk=None):
        evidence = self.get_object()
        services.remove_evidence(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_content_negotiation(self, request, force=False):
        # A download answers with the file's own type whatever the client says it accepts;
        # only its errors are rendered, and those as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action in ("download", "thumbnail")
        )

    @extend_schema(
        summary="Download the file",
        description=(
            "Always an attachment, with the type recorded when it was checked on upload, "
            "never sniffed, and never cached by shared caches."
        ),
        responses={
            # Any of the types evidence may have, as recorded when the file was checked.
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its own type."
            ),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such file, or not one you can see; or a link, or a file "
                "Waymark refused.",
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description="The file is still being processed (code `conflict`); try again "
                "in a moment.",
            ),
        },
    )
    @action(detail=True)
    def download(self, request, pk=None):
        evidence = self.get_object()
        if evidence.state == Evidence.State.PROCESSING:
            raise StateConflict("This file is still being processed; try again in a moment.")
        if not evidence.file:
            raise Http404("This evidence is a link, not a file.")
        return file_response(evidence)

    @extend_schema(
        summary="A small preview of an image",
        description=(
            "Made by Waymark, after the upload was checked, for images only: a WebP, shown "
            "inline rather than as an attachment, never cached by shared caches. Who may "
            "download the file may fetch its preview."
        ),
        responses={
            (200, "image/webp"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The preview, as WebP."
            ),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such file, or not one you can see; or no preview (yet): a "
                "link, a file that is not an image, an image still being processed, or "
                "one Waymark refused.",
            ),
        },
    )
    @action(detail=True)
    def thumbnail(self, request, pk=None):
        return file_response(self.get_object(), thumbnail=True)
