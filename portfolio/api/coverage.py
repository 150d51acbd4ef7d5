"""A trainee's coverage of a programme: /programmes/{id}/coverage/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import INVALID
from curriculum import selectors as curriculum_selectors
from curriculum.models import Programme
from portfolio import coverage


class RequirementSerializer(serializers.Serializer):
    min_entries = serializers.IntegerField()
    signed_off_required = serializers.BooleanField()


class CoverageRowSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    code = serializers.CharField(source="item.code")
    title = serializers.CharField(source="item.title")
    parent = serializers.IntegerField(source="item.parent_id", allow_null=True)
    depth = serializers.IntegerField()
    mapped = serializers.IntegerField(help_text="Entries mapped to this item.")
    signed_off = serializers.IntegerField(help_text="Of those, entries signed off.")
    requirement = RequirementSerializer(allow_null=True)
    status = serializers.ChoiceField(
        choices=[coverage.MET, coverage.PARTLY, coverage.NOT_STARTED],
        allow_null=True,
        help_text="met, partly or not_started; for a parent, the roll-up of those under it.",
    )


@extend_schema(tags=["curriculum"])
class ProgrammeCoverageViewSet(viewsets.GenericViewSet):
    """A trainee's coverage of a programme, at /programmes/{id}/coverage/ beside the
    programme itself (curriculum's ProgrammeViewSet), which knows nothing of entries."""

    # Only for the schema, which reads the id's type from it; requests go through
    # curriculum_selectors.access_trainee_programme.
    queryset = Programme.objects.none()
    oauth_scopes = {"read": "entries:read"}
    # Ids are whole numbers; anything else names no programme (404, from the API's catch-all).
    lookup_value_regex = "[0-9]+"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "trainee", int, description="Whose coverage; the caller's own by default."
            ),
        ],
        responses={200: CoverageRowSerializer(many=True), 400: INVALID},
    )
    @action(detail=True, pagination_class=None)
    def coverage(self, request, pk=None):
        """Every item of the programme with the trainee's entry counts and requirement status,
        flattened in tree order."""
        trainee_id = request.query_params.get("trainee", request.user.pk)
        try:
            trainee_id = int(trainee_id)
        except ValueError:
            raise serializers.ValidationError({"trainee": "A user id is a whole number."}) from None
        trainee, programme = curriculum_selectors.access_trainee_programme(
            request.user, trainee_id, int(pk)
        )
        rows = coverage.coverage(trainee=trainee, programme=programme)
        return Response(
            CoverageRowSerializer(list(curriculum_selectors.walk(rows)), many=True).data
        )
