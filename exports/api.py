"""API for exports: ask for a PDF portfolio or the archive (202, made in the background),
follow its progress, and download it. Only the owner sees or downloads an export. And the
other way: import an archive into one's own portfolio, as the import page does."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, IdField, VisibleToCaller
from core.errors import StateConflict
from core.site import absolute_url
from exports import selectors, services
from exports.files import file_response
from exports.filters import Chosen
from exports.importer import import_portfolio
from exports.models import Export
from exports.reading import ArchiveRefused
from portfolio.models import Kind

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such export of yours.")


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the file once `status` is `done`; null until then."
    )

    class Meta:
        model = Export
        fields = [
            "id",
            "format",
            "status",
            "progress",
            "stage",
            "error",
            "filters",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "status": {
                "help_text": "`queued`, then `running`, then `done` or `failed` (see `error`)."
            },
            "progress": {"help_text": "How far it has got, 0 to 100."},
            "stage": {"help_text": "What is being done now, in words."},
            "error": {"help_text": "Why it failed, in words; empty unless `failed`."},
            "filters": {"help_text": "What a PDF includes, as checked; empty for an archive."},
            "expires_at": {"help_text": "When the file is deleted; null until it is made."},
        }

    def get_download_url(self, export) -> str | None:
        if export.status != Export.Status.DONE:
            return None
        return absolute_url(reverse("api:export-download", args=[export.pk]))


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=Export.Format.choices)
    date_from = serializers.DateField(
        required=False, help_text="PDF only. Default: the current appraisal year's 1 April."
    )
    date_to = serializers.DateField(
        required=False, help_text="PDF only. Default: the current appraisal year's 31 March."
    )
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices),
        required=False,
        default=list,
        max_length=len(Kind.choices),
        help_text="PDF only. Kinds of entry to include; empty for every kind.",
    )
    items = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=1000,
        help_text="PDF only. Ids of curriculum items of your programmes: entries mapped to "
        "them or to items under them. Empty for every entry.",
    )
    signed_off_only = serializers.BooleanField(required=False, default=False)
    include_reflections = serializers.BooleanField(
        required=False, default=False, help_text="PDF only. Reflections are left out unless set."
    )


@extend_schema(tags=["exports"])
@extend_schema_view(
    list=extend_schema(summary="Your exports, newest first"),
    retrieve=extend_schema(
        summary="One of your exports: its status and progress",
        responses={200: ExportSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Export your portfolio as a PDF or an archive",
        description="Answers 202 at once; the export is made in the background. Follow it "
        "at its own address until `status` is `done`, then download it from `download_url`.",
        request=ExportRequestSerializer,
        responses={202: ExportSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    ),
)
class ExportViewSet(
    VisibleToCaller,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Your PDF portfolios and archives."""

    serializer_class = ExportSerializer
    queryset = Export.objects.none()
    oauth_scopes = {"read": "exports", "write": "exports"}

    def visible_to(self, user):
        return selectors.exports_of(user)

    def get_object(self):
        return selectors.access_own_export(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        given = ExportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        export = services.request_export(
            actor=request.user,
            format=data["format"],
            chosen=Chosen(
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                kinds=data["kinds"],
                items=data["items"],
                signed_off_only=data["signed_off_only"],
                include_reflections=data["include_reflections"],
            ),
        )
        export.refresh_from_db()
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)

    def perform_content_negotiation(self, request, force=False):
        # A download answers with the file's own type whatever the client accepts; only its
        # errors are rendered, and those as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        summary="Download the finished file",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A PDF portfolio."
            ),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="A portable archive."
            ),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not ready: still being made, or it failed (code `conflict`).",
            ),
        },
    )
    @action(detail=True)
    def download(self, request, pk=None):
        export = self.get_object()
        if export.status != Export.Status.DONE:
            raise StateConflict(f"This export is not ready: it is {export.status}.")
        return file_response(export)


class ArchiveImportSerializer(serializers.Serializer):
    archive = serializers.FileField(
        help_text="The .zip another Waymark (or this one) gave you when you exported your "
        "portfolio as an archive. Checked whole before anything is written; as large as "
        "this site imports on its page."
    )


class ArchiveImportReportSerializer(serializers.Serializer):
    exported_from = serializers.CharField(help_text="The site the archive was exported from.")
    entries_added = serializers.IntegerField()
    entries_present = serializers.IntegerField(
        help_text="Entries in the archive already here (by their uid), left as they are."
    )
    evidence_files = serializers.IntegerField(help_text="Evidence files of the entries added.")
    attested_sign_offs = serializers.IntegerField(
        help_text="Sign-offs given at the other site, now attested elsewhere on entries added."
    )
    badges_added = serializers.IntegerField(help_text="Badges now held as issued elsewhere.")
    badges_present = serializers.IntegerField()
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the archive held that was not imported, and why, in words.",
    )


IMPORT_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The archive was not imported and nothing was written: `error.fields.archive` names "
        "every problem found, each with the file in the archive and, for portfolio.json, "
        "the JSON path (too large, not a ZIP, unsafe names, files not matching the "
        "manifest, a document not matching the schema, references that do not hold). Or "
        "no file was sent."
    ),
    examples=[
        OpenApiExample(
            "A reference that does not hold",
            value={
                "error": {
                    "status": 400,
                    "code": "invalid",
                    "message": "The request has invalid fields.",
                    "fields": {
                        "archive": [
                            "portfolio.json at $.badges[0].image: "
                            "badges/3f2a.png is not in the archive."
                        ]
                    },
                }
            },
        )
    ],
)


@extend_schema(tags=["exports"])
class ImportViewSet(viewsets.GenericViewSet):
    """Archives imported into your own portfolio."""

    serializer_class = ArchiveImportSerializer
    parser_classes = [parsers.MultiPartParser]
    # Importing writes entries and evidence, and badges issued elsewhere: an app needs
    # leave for both. The second is Open Badges 3.0's own scope (integrations.scopes).
    oauth_scopes = {
        "write": (
            "entries:write",
            "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert",
        )
    }

    @extend_schema(
        summary="Import a portfolio archive",
        description=(
            "As the import page does: a portable archive exported from another Waymark (or "
            "this one) comes into your portfolio. Entries arrive as they were, sign-offs "
            "given there as attested elsewhere, badges as issued elsewhere. Everything is "
            "matched by uid, so importing the same archive again changes nothing (200); "
            "201 when something was added."
        ),
        request={"multipart/form-data": ArchiveImportSerializer},
        responses={
            201: ArchiveImportReportSerializer,
            200: OpenApiResponse(
                ArchiveImportReportSerializer,
                description="Everything in the archive was here already; nothing changed.",
            ),
            400: IMPORT_REFUSED,
            401: UNAUTHENTICATED,
        },
    )
    def create(self, request):
        given = ArchiveImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            report = import_portfolio(
                actor=request.user,
                trainee=request.user,
                archive_file=given.validated_data["archive"],
            )
        except ArchiveRefused as refused:
            raise serializers.ValidationError({"archive": refused.problems}) from None
        return Response(
            ArchiveImportReportSerializer(report).data,
            status=status.HTTP_201_CREATED if report.changed_anything else status.HTTP_200_OK,
        )
