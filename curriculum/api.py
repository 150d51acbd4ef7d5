"""Read-only API for frameworks, items, programmes and coverage."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.site import absolute_url
from curriculum import selectors
from curriculum.models import Framework, Item, Programme


class FrameworkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The framework's permanent public page.")

    class Meta:
        model = Framework
        fields = [
            "id",
            "slug",
            "version",
            "name",
            "publisher",
            "source",
            "source_url",
            "licence",
            "url",
        ]

    def get_url(self, framework) -> str:
        return absolute_url(framework.get_absolute_url())


class ItemSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The item's permanent public page (the alignment target)."
    )

    class Meta:
        model = Item
        fields = ["id", "framework", "code", "title", "description", "parent", "position", "url"]

    def get_url(self, item) -> str:
        return absolute_url(item.get_absolute_url())


class ItemFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    q = django_filters.CharFilter(method="search", label="Text in the code, title or description")
    root = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="Top-level items only"
    )

    class Meta:
        model = Item
        fields = ["framework", "parent", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )


@extend_schema(tags=["curriculum"])
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Curriculum frameworks. Public: no sign-in needed."""

    permission_classes = [permissions.AllowAny]
    serializer_class = FrameworkSerializer
    queryset = Framework.objects.all()
    filterset_fields = ["slug", "version"]


@extend_schema(tags=["curriculum"])
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Curriculum items. Public: no sign-in needed."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ItemSerializer
    queryset = Item.objects.select_related("framework")
    filterset_class = ItemFilter


class ProgrammeSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "name", "organisation", "frameworks", "start_date", "end_date"]


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
        choices=[selectors.MET, selectors.PARTLY, selectors.NOT_STARTED],
        allow_null=True,
        help_text="met, partly or not_started; for a parent, the roll-up of those under it.",
    )


@extend_schema(tags=["curriculum"])
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes the caller is enrolled in, administers, or supervises a trainee in."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        return selectors.programmes_visible_to(self.request.user).order_by("pk")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "trainee", int, description="Whose coverage; the caller's own by default."
            ),
        ],
        responses=CoverageRowSerializer(many=True),
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
        trainee, programme = selectors.access_trainee_programme(request.user, trainee_id, int(pk))
        rows = selectors.coverage(trainee=trainee, programme=programme)
        return Response(CoverageRowSerializer(list(selectors.walk(rows)), many=True).data)
