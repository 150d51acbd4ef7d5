"""Badge classes, which anyone may read and the admins of the issuing organisation create and
change: as JSON, or as multipart with the badge's image, which is checked by its content
exactly as the page checks it (badges.services.badge_classes.badge_image_png).

A rule that does not fit is refused with each problem, in words, under `error.fields.rule`."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.response import Response

from badges import selectors
from badges.api.endorsements import PublicEndorsementSerializer
from badges.api.rules import RuleField
from badges.api.schema import (
    BADGE_CLASS_NOT_FOUND,
    FORBIDDEN,
    BadgeImageField,
    IssuerSummarySerializer,
)
from badges.models import BadgeClass, Issuer
from badges.services import badge_classes
from core.api import INVALID, UNAUTHENTICATED, VisibleToCaller
from core.api_scopes import ANY_SCOPE, TokenHasDeclaredScope
from core.site import absolute_url
from curriculum.models import Item

# --- Output --------------------------------------------------------------------------------------


class BadgeClassSerializer(serializers.ModelSerializer):
    issuer = IssuerSummarySerializer(read_only=True)
    rule = RuleField(
        allow_null=True, help_text="The machine rule; null for a badge only staff award."
    )
    tags = serializers.ListField(child=serializers.CharField())
    url = serializers.SerializerMethodField(
        help_text="The badge class's public page; null if not available."
    )
    image_url = serializers.SerializerMethodField(
        help_text="The badge's image, public: the uploaded PNG, or else the SVG Waymark draws; "
        "null if not available."
    )
    image_uploaded = serializers.SerializerMethodField(
        help_text="Whether the badge has an uploaded PNG image (else Waymark draws one)."
    )
    endorsements = PublicEndorsementSerializer(
        source="live_endorsements",
        many=True,
        read_only=True,
        help_text="Other issuers' standing endorsements of the badge class, oldest first.",
    )

    class Meta:
        model = BadgeClass
        fields = [
            "id",
            "issuer",
            "slug",
            "name",
            "description",
            "criteria",
            "rule",
            "alignments",
            "tags",
            "valid_for_months",
            "is_active",
            "created_at",
            "url",
            "image_url",
            "image_uploaded",
            "endorsements",
        ]
        read_only_fields = fields

    def get_url(self, badge_class) -> str | None:
        return _public_url("badges:badge_class_detail", badge_class)

    def get_image_url(self, badge_class) -> str | None:
        return _public_url("badges:badge_class_image", badge_class)

    def get_image_uploaded(self, badge_class) -> bool:
        return bool(badge_class.image)


def _public_url(view_name, badge_class) -> str | None:
    try:
        return absolute_url(reverse(view_name, args=[badge_class.pk]))
    except NoReverseMatch:
        return None


# --- Input ---------------------------------------------------------------------------------------


class BadgeClassUpdateSerializer(serializers.Serializer):
    """A badge class's fields as written. PUT replaces them: fields left out take their
    defaults. PATCH changes only the fields sent."""

    slug = serializers.SlugField(
        max_length=80, help_text="Other badges' rules use it to refer to this one."
    )
    name = serializers.CharField(max_length=200)
    description = serializers.CharField()
    criteria = serializers.CharField(help_text="What the earner did, in words.")
    rule = RuleField(
        allow_null=True,
        default=None,
        help_text="The machine rule, checked against the rule schema; null for a badge only "
        "staff award. In a multipart body, the rule as JSON text.",
    )
    alignments = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Item.objects.all(),
        default=list,
        help_text="Ids of the curriculum items the badge is evidence for.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), default=list, help_text="Tag names."
    )
    valid_for_months = serializers.IntegerField(
        min_value=1,
        max_value=600,
        allow_null=True,
        default=None,
        help_text="Awards expire this many months after they are issued; null for never.",
    )
    is_active = serializers.BooleanField(
        default=True, help_text="Whether Waymark awards it and lists it."
    )


class BadgeClassCreateSerializer(BadgeClassUpdateSerializer):
    issuer = serializers.PrimaryKeyRelatedField(
        queryset=Issuer.objects.none(),
        help_text="The id of the issuer of an organisation you administer.",
        error_messages={"does_not_exist": "Not the issuer of an organisation you administer."},
    )

    def __init__(self, *args, issuers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if issuers is not None:
            self.fields["issuer"].queryset = issuers


# The same fields with the image: the serializers requests are read with, and what the schema
# shows for a multipart body (a JSON body cannot carry a file).
class BadgeClassUpdateUploadSerializer(BadgeClassUpdateSerializer):
    image = BadgeImageField()


class BadgeClassCreateUploadSerializer(BadgeClassCreateSerializer):
    image = BadgeImageField()


# --- Views ---------------------------------------------------------------------------------------

NEW_CLASS_FIELDS = {
    "slug": "sepsis-six",
    "name": "Sepsis six",
    "description": "Knows the sepsis six.",
    "criteria": "Completed six sepsis e-learning modules.",
    "rule": {"type": "event_count", "min": 6, "kinds": ["elearning"]},
    "tags": ["sepsis"],
    "valid_for_months": 24,
}
NEW_CLASS = {"issuer": 1, **NEW_CLASS_FIELDS}

# Replacing a badge class and changing some of its fields take one body and answer alike.
CHANGE_SCHEMA = {
    "request": {
        "application/json": BadgeClassUpdateSerializer,
        "multipart/form-data": BadgeClassUpdateUploadSerializer,
    },
    "responses": {
        200: BadgeClassSerializer,
        400: INVALID,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: BADGE_CLASS_NOT_FOUND,
    },
}


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="Badge classes",
        description="Every active badge class; for organisation admins, their inactive ones too. "
        "No sign-in needed.",
        responses={200: BadgeClassSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One badge class",
        responses={200: BadgeClassSerializer, 404: BADGE_CLASS_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a badge class (organisation admins)",
        description="As JSON, or as multipart with an `image` (a PNG; see the field). In a "
        "multipart body, send `rule` as JSON text and repeat `tags` and `alignments` once for "
        "each value.",
        request={
            "application/json": BadgeClassCreateSerializer,
            "multipart/form-data": BadgeClassCreateUploadSerializer,
        },
        responses={201: BadgeClassSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN},
        examples=[OpenApiExample("A badge for e-learning", value=NEW_CLASS, request_only=True)],
    ),
    update=extend_schema(
        summary="Replace a badge class's fields (admins of its organisation)",
        examples=[OpenApiExample("Replace", value=NEW_CLASS_FIELDS, request_only=True)],
        **CHANGE_SCHEMA,
    ),
    partial_update=extend_schema(
        summary="Change some of a badge class's fields (admins of its organisation)",
        description="As JSON, or as multipart to upload a new `image` (a PNG; see the field).",
        examples=[OpenApiExample("Retire a badge", value={"is_active": False}, request_only=True)],
        **CHANGE_SCHEMA,
    ),
)
class BadgeClassViewSet(
    VisibleToCaller, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = BadgeClassSerializer
    queryset = BadgeClass.objects.none()
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]

    # Reading is public; changing badge classes is for organisation admins in person,
    # never for apps.
    oauth_scopes = {"read": ANY_SCOPE}

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [TokenHasDeclaredScope(), permissions.AllowAny()]
        return [TokenHasDeclaredScope(), permissions.IsAuthenticated()]

    def visible_to(self, user):
        return selectors.badge_classes_visible_to(user)

    def create(self, request):
        issuers = selectors.access_issuers_for_admin(request.user)
        serializer = BadgeClassCreateUploadSerializer(data=request.data, issuers=issuers)
        serializer.is_valid(raise_exception=True)
        badge_class = badge_classes.create_badge_class(
            actor=request.user, **serializer.validated_data
        )
        return self._answer(badge_class, status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        return self._change(request, partial=False)

    def partial_update(self, request, pk=None):
        return self._change(request, partial=True)

    def _change(self, request, *, partial):
        badge_class = selectors.access_badge_class_to_change(request.user, self.kwargs["pk"])
        serializer = BadgeClassUpdateUploadSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        badge_class = badge_classes.update_badge_class(
            badge_class=badge_class, actor=request.user, **serializer.validated_data
        )
        return self._answer(badge_class)

    def _answer(self, badge_class, status_code=status.HTTP_200_OK):
        badge_class = self.get_queryset().get(pk=badge_class.pk)
        return Response(self.get_serializer(badge_class).data, status_code)
