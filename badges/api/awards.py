"""A trainee's awards and progress: /awards/ lists the caller's badges, PATCH shows or hides
one on their public profile as the My badges page does, and the issuing organisation's admins
revoke an award at /awards/{id}/revoke/."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from badges import achievements, selectors
from badges.api.schema import (
    AWARD_NOT_FOUND,
    FORBIDDEN,
    AwardPersonSerializer,
    BadgeClassSummarySerializer,
    public_url,
)
from badges.models import Award, Progress
from badges.services import awarding, public_profile
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, VisibleToCaller

# --- Output --------------------------------------------------------------------------------------


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
            "public": {"help_text": "Whether the earner shows it on their public profile."},
            "narrative": {
                "help_text": "The issuer's own words, for a badge awarded by hand; published "
                "once the earner shows the badge publicly."
            },
        }

    def get_revoked(self, award) -> bool:
        return award.revoked_at is not None

    def get_verify_url(self, award) -> str | None:
        return public_url(award, "badges:award_verify")

    def get_assertion_url(self, award) -> str | None:
        return public_url(award, "badges:award_assertion")

    def get_how_earned(self, award) -> str:
        return achievements.describe(award).as_text()

    def get_credential_url(self, award) -> str | None:
        return public_url(award, "badges:award_credential")

    def get_credential_jwt_url(self, award) -> str | None:
        return public_url(award, "badges:award_credential_jwt")

    def get_baked_png_url(self, award) -> str | None:
        return public_url(award, "badges:award_baked_png")

    def get_baked_svg_url(self, award) -> str | None:
        return public_url(award, "badges:award_baked_svg")

    def get_credential_png_url(self, award) -> str | None:
        return public_url(award, "badges:award_baked_ob3_png")

    def get_credential_svg_url(self, award) -> str | None:
        return public_url(award, "badges:award_baked_ob3_svg")


class RecipientSerializer(AwardPersonSerializer):
    email = serializers.EmailField(read_only=True)


class IssuedAwardSerializer(AwardSerializer):
    """An award as its issuer's admins see it: with whom it went to, and who awarded it."""

    recipient = RecipientSerializer(read_only=True)
    awarded_by = AwardPersonSerializer(
        read_only=True, allow_null=True, help_text="Who awarded it by hand; null for the rules."
    )

    class Meta(AwardSerializer.Meta):
        fields = ["id", "recipient", "awarded_by", *AwardSerializer.Meta.fields[1:]]
        read_only_fields = fields


class ProgressSerializer(serializers.ModelSerializer):
    badge_class = BadgeClassSummarySerializer(read_only=True)

    class Meta:
        model = Progress
        fields = ["badge_class", "current", "target", "label", "updated_at"]
        read_only_fields = fields
        extra_kwargs = {"label": {"help_text": "What is counted, e.g. “social media entries”."}}


# --- Input ---------------------------------------------------------------------------------------


class VisibilitySerializer(serializers.Serializer):
    public = serializers.BooleanField(
        help_text="true: show the badge on your public profile; false: hide it. A revoked "
        "badge cannot be shown."
    )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the badge is revoked; published with the revocation."
    )


# --- Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="Your badges, revoked ones included",
        responses={200: AwardSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One of your badges",
        responses={200: AwardSerializer, 401: UNAUTHENTICATED, 404: AWARD_NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Show one of your badges on your public profile, or hide it",
        description="As the My badges page does. Your public profile shows only the badges "
        "you show, and only while it is on (`/badge-profile/`).",
        request=VisibilitySerializer,
        responses={
            200: AwardSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: AWARD_NOT_FOUND,
        },
        examples=[OpenApiExample("Show it", value={"public": True}, request_only=True)],
    ),
)
class AwardViewSet(VisibleToCaller, viewsets.ReadOnlyModelViewSet):
    """The badges awarded to the caller; issuer staff revoke the awards of their issuer."""

    serializer_class = AwardSerializer
    queryset = Award.objects.none()
    # Writes are closed to apps: whether a badge is public is its earner's decision, made in
    # person, and revoking is for the issuer's admins in person.
    oauth_scopes = {"read": "badges:read"}

    def visible_to(self, user):
        return selectors.awards_of(user)

    def partial_update(self, request, pk=None):
        award = selectors.access_own_award(request.user, pk)
        serializer = VisibilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = public_profile.set_award_public(
            award=award, actor=request.user, public=serializer.validated_data["public"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=award.pk)).data)

    @extend_schema(
        summary="Revoke an award (admins of the issuing organisation)",
        description="Revokes the award with the reason given, which is published: its Open "
        "Badges 2.0 assertion answers 410 Gone and its Open Badges 3.0 credential's bit is set "
        "in the issuer's status list as the request commits.",
        request=RevokeSerializer,
        responses={
            200: IssuedAwardSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ErrorSerializer, description="No such award of an issuer you administer."
            ),
            409: OpenApiResponse(ErrorSerializer, description="The award is already revoked."),
        },
        examples=[
            OpenApiExample(
                "Awarded in error",
                value={"reason": "Awarded to the wrong trainee."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        award = selectors.access_award_to_revoke(request.user, pk)
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = awarding.revoke_award(
            award=award, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(IssuedAwardSerializer(award, context=self.get_serializer_context()).data)


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
