"""The trainee's backpack: badges issued elsewhere. /external-badges/ lists them and adds one
(by its hosted assertion's address, a baked PNG or SVG, or a credential as JSON or a JWT),
verified on arrival and refused with the reasons by field as the page does; PATCH shows or
hides one on the public profile; DELETE removes it."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from badges import selectors
from badges.models import ExternalBadge
from badges.services import external
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, VisibleToCaller

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such badge of yours.")


class ExternalBadgeCheckSerializer(serializers.Serializer):
    check = serializers.CharField(help_text="What was checked: Proof, Recipient, Status, …")
    outcome = serializers.CharField(help_text="passed, failed or not checked.")
    detail = serializers.CharField(help_text="The check's result, in words.")


class ExternalBadgeSerializer(serializers.ModelSerializer):
    verification = ExternalBadgeCheckSerializer(many=True, read_only=True)
    expired = serializers.BooleanField(source="is_expired", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="verified, failed or expired as last checked; not_checked for a badge that "
        "came with an imported portfolio and was never checked."
    )

    class Meta:
        model = ExternalBadge
        fields = [
            "uid",
            "badge_name",
            "issuer_name",
            "issuer_uri",
            "achievement_uri",
            "issued_on",
            "expires",
            "expired",
            "public",
            "source",
            "status",
            "verified",
            "verified_at",
            "verification",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "issuer_uri": {"help_text": "The issuer's id, as the badge names it."},
            "achievement_uri": {"help_text": "The BadgeClass or achievement id."},
            "verified_at": {"help_text": "When it was last checked; daily after it arrived."},
        }

    def get_status(self, badge) -> str:
        if badge.verified is None:
            return "not_checked"
        if not badge.verified:
            return "failed"
        return "expired" if badge.is_expired else "verified"


class ExternalBadgeAddSerializer(serializers.Serializer):
    url = serializers.CharField(
        required=False, max_length=2000, help_text="The hosted Open Badges 2.0 assertion's URL."
    )
    file = serializers.FileField(
        required=False, help_text="A baked badge image, PNG or SVG (multipart/form-data)."
    )
    credential = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="An Open Badges 3.0 credential as JSON text or a VC-JWT, or a 2.0 assertion.",
    )


class ExternalBadgeVisibilitySerializer(serializers.Serializer):
    public = serializers.BooleanField(help_text="true: show it on your public profile.")


@extend_schema(tags=["badges"])
@extend_schema_view(
    list=extend_schema(
        summary="Your badges issued elsewhere, with how each last verified",
        responses={200: ExternalBadgeSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One of your badges issued elsewhere, with every check",
        responses={200: ExternalBadgeSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Add a badge issued elsewhere",
        description="Give one of `url`, `file` or `credential`. It is verified with its issuer "
        "against your verified email addresses and refused, with the reasons under the field, "
        "unless it verifies. The same badge again answers 200, updated or unchanged.",
        request={
            "application/json": ExternalBadgeAddSerializer,
            "multipart/form-data": ExternalBadgeAddSerializer,
        },
        responses={
            201: ExternalBadgeSerializer,
            200: ExternalBadgeSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
        },
        examples=[
            OpenApiExample(
                "A hosted assertion",
                value={"url": "https://badges.example.org/assertions/1"},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Show one of your badges issued elsewhere on your public profile, or hide it",
        request=ExternalBadgeVisibilitySerializer,
        responses={
            200: ExternalBadgeSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    ),
    destroy=extend_schema(
        summary="Remove a badge issued elsewhere from your badges",
        responses={204: None, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
)
class ExternalBadgeViewSet(
    VisibleToCaller,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ExternalBadgeSerializer
    queryset = ExternalBadge.objects.none()
    lookup_field = "uid"
    lookup_value_regex = "[0-9a-f-]{36}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Apps add badges through the Open Badges API, with its own scope; here writes are the
    # trainee's, in person.
    oauth_scopes = {"read": "badges:read"}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def visible_to(self, user):
        return selectors.external_badges_of(user)

    def create(self, request):
        given = ExternalBadgeAddSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        upserted = external.add_to_backpack(
            actor=request.user,
            trainee=request.user,
            url=data.get("url") or None,
            upload=data.get("file"),
            text=data.get("credential") or None,
            source="Added by you",
        )
        answer = status.HTTP_201_CREATED if upserted.outcome == external.CREATED else 200
        return Response(self.get_serializer(upserted.badge).data, status=answer)

    def partial_update(self, request, uid=None):
        badge = selectors.access_own_external_badge(request.user, uid)
        given = ExternalBadgeVisibilitySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        badge = external.set_external_badge_public(
            actor=request.user, badge=badge, public=given.validated_data["public"]
        )
        return Response(self.get_serializer(badge).data)

    def destroy(self, request, uid=None):
        badge = selectors.access_own_external_badge(request.user, uid)
        external.remove_external_badge(actor=request.user, badge=badge)
        return Response(status=status.HTTP_204_NO_CONTENT)
