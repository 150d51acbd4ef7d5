"""What a programme requires trainees to evidence, for the admins of its organisation:
/programmes/{programme_id}/requirements/. Every change goes through curriculum.services, as
on the pages, and is in the audit log."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from curriculum import selectors, services
from curriculum.api.programmes import PROGRAMME_ID, ProgrammeManagement, management_errors
from curriculum.models import Item, Requirement


class RequiredItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "framework", "code", "title"]
        read_only_fields = fields


class ProgrammeRequirementSerializer(serializers.ModelSerializer):
    item = RequiredItemSerializer(read_only=True)

    class Meta:
        model = Requirement
        fields = ["id", "item", "min_entries", "signed_off_required"]
        read_only_fields = fields
        extra_kwargs = {
            "min_entries": {"help_text": "At least this many entries mapped to the item."},
        }


class RequirementTermsSerializer(serializers.Serializer):
    min_entries = serializers.IntegerField(
        min_value=1, max_value=100, default=1, help_text="At least this many entries."
    )
    signed_off_required = serializers.BooleanField(
        default=True, help_text="Only entries signed off by a supervisor count."
    )


class RequireItemSerializer(RequirementTermsSerializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.none(),
        help_text="The id of an item of one of the programme's frameworks.",
        error_messages={"does_not_exist": "Not an item of this programme's frameworks."},
    )

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.fields["item"].queryset = selectors.items_of_programme(programme)


class RequireLevelSerializer(RequirementTermsSerializer):
    level = serializers.ChoiceField(
        choices=services.REQUIREMENT_LEVELS,
        default="leaves",
        help_text="`leaves`: every item without sub-items; `roots`: every top-level item.",
    )


class RequiredCountSerializer(serializers.Serializer):
    added = serializers.IntegerField(
        help_text="How many items were required now; those required already are unchanged."
    )


@extend_schema(tags=["curriculum"], parameters=[PROGRAMME_ID])
@extend_schema_view(
    list=extend_schema(
        summary="What a programme requires, in the items' order (its organisation's admins)",
        responses={200: ProgrammeRequirementSerializer(many=True), **management_errors()},
    ),
    create=extend_schema(
        summary="Require an item, or change what is required of it",
        description="As the requirement page: an item already required has its terms "
        "replaced by these.",
        request=RequireItemSerializer,
        responses={201: ProgrammeRequirementSerializer, **management_errors(invalid=True)},
        examples=[
            OpenApiExample(
                "Two signed-off entries",
                value={"item": 101, "min_entries": 2, "signed_off_required": True},
                request_only=True,
            )
        ],
    ),
    destroy=extend_schema(
        summary="Stop requiring an item",
        responses={
            204: OpenApiResponse(description="Removed; trainees' coverage no longer counts it."),
            **management_errors("No such requirement of the programme"),
        },
    ),
)
class RequirementViewSet(
    ProgrammeManagement,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProgrammeRequirementSerializer
    queryset = Requirement.objects.none()

    def visible_to(self, user):
        return selectors.requirements_of(self.programme()).order_by(
            "item__position", "item__code", "pk"
        )

    def get_object(self):
        return selectors.access_requirement(self.programme(), self.kwargs["pk"])

    def create(self, request, programme_id=None):
        programme = self.programme()
        serializer = RequireItemSerializer(data=request.data, programme=programme)
        serializer.is_valid(raise_exception=True)
        requirement = services.set_requirement(
            actor=request.user, programme=programme, **serializer.validated_data
        )
        requirement = selectors.access_requirement(programme, requirement.pk)
        return Response(
            ProgrammeRequirementSerializer(requirement).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance):
        services.remove_requirement(actor=self.request.user, requirement=instance)

    @extend_schema(
        summary="Require every item at one level of the programme's frameworks",
        description="As the requirement page's second form: every item without sub-items, "
        "or every top-level item, that the programme does not require yet, on the same "
        "terms. Items already required keep theirs.",
        request=RequireLevelSerializer,
        responses={200: RequiredCountSerializer, **management_errors(invalid=True)},
        examples=[
            OpenApiExample(
                "Every item without sub-items, once each",
                value={"level": "leaves", "min_entries": 1, "signed_off_required": True},
                request_only=True,
            )
        ],
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def bulk(self, request, programme_id=None):
        programme = self.programme()
        serializer = RequireLevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = services.require_level(
            actor=request.user, programme=programme, **serializer.validated_data
        )
        return Response(RequiredCountSerializer({"added": added}).data)
