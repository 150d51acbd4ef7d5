"""API for badges: the caller's awards and progress, and badge classes, which anyone may
read and the admins of the issuing organisation create and change.

Writes go through badges.services, as for the pages; a rule that does not fit is refused
with each problem, in words, under `error.fields.rule`."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from badges import achievements, selectors
from badges.api_rules import RuleField
from badges.models import Award, BadgeClass, Issuer, Progress
from badges.services import awarding, badge_classes
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, VisibleToCaller
from core.api_scopes import ANY_SCOPE, TokenHasDeclaredScope
from core.site import absolute_url
from curriculum.models import Item

FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Only admins of the issuing organisation may do this."
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such badge class, or an inactive one of another issuer."
)


def _public_url(award, view_name) -> str | None:
    path = selectors.award_public_url(award, view_name)
    return absolute_url(path) if path else None


# --- Output --------------------------------------------------------------------------------------


class IssuerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Issuer
        fields = ["id", "name", "url"]
        read_only_fields = fields


class BadgeClassSummarySerializer(serializers.ModelSerializer):
    issuer = IssuerSummarySerializer(read_only=True)

    class Meta:
        model = BadgeClass
        fields = ["id", "slug", "name", "issuer"]
        read_only_fields = fields


class AwardSerializer(serializers.ModelSerializer):
    badge_class = BadgeClassSummarySerializer(read_only=True)
    expired = serializers.BooleanField(source="is_expired", read_only=True)
    revoked = serializers.SerializerMethodField(help_text="Whether the issuer revoked it.")
    verify_url = serializers.SerializerMethodField(
        help_text="The public page where anyone can check the badge; null if not available."
    )
    assertion_url = serializers.SerializerMethodField(
        help_text="The hosted Open Badges 2.0 assertion; null if not available."
    )
    how_earned = serializers.SerializerMethodField(
        help_text="How the badge was earned, as recorded when it was awarded: what the rules "
        "counted, or who awarded it by hand. Its public page and evidence say the same."
    )
    credential_url = serializers.SerializerMethodField(
        help_text="The Open Badges 3.0 credential (JSON-LD with an embedded Data Integrity "
        "proof), public; null if not available."
    )
    credential_jwt_url = serializers.SerializerMethodField(
        help_text="The same Open Badges 3.0 credential as a VC-JWT; null if not available."
    )
    baked_png_url = serializers.SerializerMethodField(
        help_text="The badge image with the Open Badges 2.0 assertion baked in (PNG)."
    )
    baked_svg_url = serializers.SerializerMethodField(
        help_text="The badge image with the Open Badges 2.0 assertion baked in (SVG)."
    )
    credential_png_url = serializers.SerializerMethodField(
        help_text="The badge image with the Open Badges 3.0 credential baked in (PNG)."
    )
    credential_svg_url = serializers.SerializerMethodField(
        help_text="The badge image with the Open Badges 3.0 credential baked in (SVG)."
    )

    class Meta:
        model = Award
        fields = [
            "id",
            "badge_class",
            "issued_on",
            "expires",
            "expired",
            "narrative",
            "public",
            "revoked",
            "revoked_at",
            "revocation_reason",
            "verify_url",
            "assertion_url",
            "how_earned",
            "credential_url",
            "credential_jwt_url",
            "baked_png_url",
            "baked_svg_url",
            "credential_png_url",
            "credential_svg_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "public": {"help_text": "Whether you show it on your public profile."},
            "narrative": {
                "help_text": "The issuer's own words, for a badge awarded by hand; published "
                "once you show the badge publicly."
            },
        }

    def get_revoked(self, award) -> bool:
        return award.revoked_at is not None

    def get_verify_url(self, award) -> str | None:
        return _public_url(award, "badges:award_verify")

    def get_assertion_url(self, award) -> str | None:
        return _public_url(award, "badges:award_assertion")

    def get_how_earned(self, award) -> str:
        return achievements.describe(award).as_text()

    def get_credential_url(self, award) -> str | None:
        return _public_url(award, "badges:award_credential")

    def get_credential_jwt_url(self, award) -> str | None:
        return _public_url(award, "badges:award_credential_jwt")

    def get_baked_png_url(self, award) -> str | None:
        return _public_url(award, "badges:award_baked_png")

    def get_baked_svg_url(self, award) -> str | None:
        return _public_url(award, "badges:award_baked_svg")

    def get_credential_png_url(self, award) -> str | None:
        return _public_url(award, "badges:award_baked_ob3_png")

    def get_credential_svg_url(self, award) -> str | None:
        return _public_url(award, "badges:award_baked_ob3_svg")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the badge is revoked; published with the revocation."
    )


class ProgressSerializer(serializers.ModelSerializer):
    badge_class = BadgeClassSummarySerializer(read_only=True)

    class Meta:
        model = Progress
        fields = ["badge_class", "current", "target", "label", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {"label": {"help_text": "What is counted, e.g. “social media entries”."}}


class BadgeClassSerializer(serializers.ModelSerializer):
    issuer = IssuerSummarySerializer(read_only=True)
    rule = RuleField(
        allow_null=True, help_text="The machine rule; null for a badge only staff award."
    )
    tags = serializers.ListField(child=serializers.CharField())
    url = serializers.SerializerMethodField(
        help_text="The badge class's public page; null if not available."
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
        ]
        read_only_fields = fields

    def get_url(self, badge_class) -> str | None:
        try:
            return absolute_url(reverse("badges:badge_class_detail", args=[badge_class.pk]))
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
        "staff award.",
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


# --- Views ---------------------------------------------------------------------------------------

# Replacing a badge class and changing some of its fields take one body and answer alike.
CHANGE_SCHEMA = {
    "request": BadgeClassUpdateSerializer,
    "responses": {
        200: BadgeClassSerializer,
        400: INVALID,
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
}


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="Your badges, revoked ones included",
        responses={200: AwardSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One of your badges",
        responses={
            200: AwardSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(ErrorSerializer, description="No such award of yours."),
        },
    ),
)
class AwardViewSet(VisibleToCaller, viewsets.ReadOnlyModelViewSet):
    """The badges awarded to the caller; issuer staff revoke the awards of their issuer."""

    serializer_class = AwardSerializer
    queryset = Award.objects.none()
    oauth_scopes = {"read": "badges:read"}

    def visible_to(self, user):
        return selectors.awards_of(user)

    @extend_schema(
        summary="Revoke an award (admins of the issuing organisation)",
        description="Revokes the award with the reason given, which is published: its Open "
        "Badges 2.0 assertion answers 410 Gone and its Open Badges 3.0 credential's bit is set "
        "in the issuer's status list as the request commits.",
        request=RevokeSerializer,
        responses={
            200: AwardSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ErrorSerializer, description="No such award of an issuer you administer."
            ),
            409: OpenApiResponse(ErrorSerializer, description="The award is already revoked."),
        },
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        award = selectors.access_award_to_revoke(request.user, pk)
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = awarding.revoke_award(
            award=award, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(AwardSerializer(award, context=self.get_serializer_context()).data)


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="How far you are towards badges you do not hold yet, closest first",
        responses={200: ProgressSerializer(many=True), 401: UNAUTHENTICATED},
    ),
)
class BadgeProgressViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgressSerializer
    queryset = Progress.objects.none()
    oauth_scopes = {"read": "badges:read"}

    def visible_to(self, user):
        return selectors.progress_of(user)


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="Badge classes",
        description="Every active badge class; for organisation admins, their inactive ones too. "
        "No sign-in needed.",
        responses={200: BadgeClassSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One badge class", responses={200: BadgeClassSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Create a badge class (organisation admins)",
        request=BadgeClassCreateSerializer,
        responses={201: BadgeClassSerializer, 400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    ),
    update=extend_schema(
        summary="Replace a badge class's fields (admins of its organisation)",
        **CHANGE_SCHEMA,
    ),
    partial_update=extend_schema(
        summary="Change some of a badge class's fields (admins of its organisation)",
        **CHANGE_SCHEMA,
    ),
)
class BadgeClassViewSet(
    VisibleToCaller, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = BadgeClassSerializer
    queryset = BadgeClass.objects.none()

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
        serializer = BadgeClassCreateSerializer(data=request.data, issuers=issuers)
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
        serializer = BadgeClassUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        badge_class = badge_classes.update_badge_class(
            badge_class=badge_class, actor=request.user, **serializer.validated_data
        )
        return self._answer(badge_class)

    def _answer(self, badge_class, status_code=status.HTTP_200_OK):
        badge_class = self.get_queryset().get(pk=badge_class.pk)
        return Response(self.get_serializer(badge_class).data, status_code)
