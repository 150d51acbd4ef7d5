"""/reading-lists/: read a reading list exported from a reference manager (preview), then log
the chosen references as reading entries (import). The same parsing, signed preview and
service as the page."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import INVALID, UNAUTHENTICATED
from portfolio import reading_lists, selectors, services
from portfolio.models import validate_entry_date


class ReferenceSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Its place in `references`, from 0: choose it by.")
    record = serializers.CharField(help_text="Where it is in the file: record number and key.")
    title = serializers.CharField()
    authors = serializers.ListField(child=serializers.CharField())
    journal = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    doi = serializers.CharField(help_text="Normalised: lower case, with no https://doi.org/.")
    already_logged = serializers.BooleanField(
        help_text="In your portfolio from an earlier import; importing it again adds nothing."
    )


class PreviewSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(reading_lists.FORMATS))
    references = ReferenceSerializer(many=True)
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text='Records left out, each named: "record 7 (smith2020): no title".',
    )
    preview_token = serializers.CharField(
        help_text="Send it back to `import` within an hour to log references from this preview."
    )


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="BibTeX, RIS or CSL JSON, UTF-8, up to 1 MB and 500 references."
    )

    def validate_file(self, upload):
        if upload.size > reading_lists.MAX_FILE_BYTES:
            raise serializers.ValidationError("The file is larger than 1 MB.")
        try:
            return reading_lists.read_reading_list(upload.read(), upload.name)
        except reading_lists.ReadingListError as error:
            raise serializers.ValidationError(str(error)) from None


class ImportRequestSerializer(serializers.Serializer):
    preview_token = serializers.CharField(help_text="From `preview`.")
    references = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        max_length=reading_lists.MAX_REFERENCES,
        help_text="The `index` of each reference to log. Default: all of them.",
    )
    read_on = serializers.DateField(
        required=False, validators=[validate_entry_date], help_text="Default: today."
    )

    def validate(self, data):
        try:
            reading_list = reading_lists.open_preview(
                data["preview_token"], trainee_id=self.context["request"].user.pk
            )
        except reading_lists.PreviewExpired as error:
            raise serializers.ValidationError({"preview_token": [str(error)]}) from None
        chosen = data.get("references", range(len(reading_list.references)))
        unknown = sorted({i for i in chosen if i >= len(reading_list.references)})
        if unknown:
            raise serializers.ValidationError(
                {"references": [f"No reference numbered {', '.join(map(str, unknown))}."]}
            )
        data["chosen"] = [reading_list.references[i] for i in dict.fromkeys(chosen)]
        return data


class ImportResultSerializer(serializers.Serializer):
    logged = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the reading entries made."
    )
    already_logged = serializers.ListField(
        child=serializers.CharField(),
        help_text="Records chosen that were already in your portfolio, left as they were.",
    )


@extend_schema(tags=["events"])
class ReadingListViewSet(viewsets.ViewSet):
    """Reading lists from Zotero, Mendeley or EndNote, as reading entries."""

    oauth_scopes = {"write": "entries:write"}

    @extend_schema(
        summary="Read a reading list and show what would be logged",
        description="Nothing is logged. Records that cannot be used are named in `problems`.",
        request={"multipart/form-data": UploadSerializer},
        responses={200: PreviewSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    )
    @action(detail=False, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def preview(self, request):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        reading_list = upload.validated_data["file"]
        already = selectors.reading_list_identities(request.user, reading_list.references)
        references = [
            {**r.as_data(), "index": i, "already_logged": r.identity in already}
            for i, r in enumerate(reading_list.references)
        ]
        token = reading_lists.sign_preview(reading_list, trainee_id=request.user.pk)
        return Response(
            PreviewSerializer(
                {
                    "format": reading_list.format,
                    "references": references,
                    "problems": reading_list.problems,
                    "preview_token": token,
                }
            ).data
        )

    @extend_schema(
        summary="Log references from a preview as reading entries",
        description="Each becomes a reading entry with its DOI as a link. A reference "
        "already in your portfolio (the same DOI, or title and year) is not logged again.",
        request=ImportRequestSerializer,
        responses={201: ImportResultSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_references(self, request):
        given = ImportRequestSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        imported = services.import_references(
            actor=request.user,
            references=data["chosen"],
            read_on=data.get("read_on") or timezone.localdate(),
        )
        return Response(
            ImportResultSerializer(
                {
                    "logged": [entry.pk for entry in imported.logged],
                    "already_logged": [r.record for r in imported.already_logged],
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
