"""Curriculum frameworks and their items: public, read-only."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets

from core.api_scopes import ANY_SCOPE, TokenHasDeclaredScope
from core.site import absolute_url
from curriculum.models import Framework, Item


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

    permission_classes = [TokenHasDeclaredScope, permissions.AllowAny]
    oauth_scopes = {"read": ANY_SCOPE}
    serializer_class = FrameworkSerializer
    queryset = Framework.objects.all()
    filterset_fields = ["slug", "version"]


@extend_schema(tags=["curriculum"])
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Curriculum items. Public: no sign-in needed."""

    permission_classes = [TokenHasDeclaredScope, permissions.AllowAny]
    oauth_scopes = {"read": ANY_SCOPE}
    serializer_class = ItemSerializer
    queryset = Item.objects.select_related("framework")
    filterset_class = ItemFilter
