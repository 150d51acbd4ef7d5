"""API for the signed-in user and their personal access tokens."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Membership, PersonalAccessToken, User
from core.api import UNAUTHENTICATED, ErrorSerializer
from core.api_scopes import declare_scopes


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Token wm_…` in the OpenAPI schema. Registered by being
    defined; this module is imported with the URLs, before any schema is generated."""

    target_class = "accounts.api_auth.PersonalAccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A personal access token from your account page, sent as "
                "`Authorization: Token wm_…`."
            ),
        }


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="You have no token with this key.")


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "organisation_name", "role"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "registration_number", "date_joined", "memberships"]
        read_only_fields = fields


@extend_schema(
    responses={200: MeSerializer, 401: UNAUTHENTICATED},
    summary="The signed-in user, with their roles",
    tags=["me"],
)
@declare_scopes(read="profile")
@api_view(["GET"])
def me(request):
    return Response(MeSerializer(selectors.user_with_memberships(request.user)).data)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonalAccessToken
        fields = ["token_key", "name", "created", "expiry", "last_used_at"]
        read_only_fields = fields
        extra_kwargs = {
            "token_key": {"help_text": "The start of the token, which identifies it."},
            "expiry": {"help_text": "When the token stops working; null if it never expires."},
        }


@extend_schema(tags=["tokens"])
@extend_schema_view(
    list=extend_schema(
        summary="Your personal access tokens",
        responses={200: TokenSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    destroy=extend_schema(
        summary="Revoke a personal access token",
        responses={
            204: OpenApiResponse(description="Revoked; the token no longer works."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
    ),
)
class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's personal access tokens. Tokens are created on the account page, which
    asks for the password again first; here they can be listed and revoked."""

    serializer_class = TokenSerializer
    # Only for the schema, which reads the model and the key's type from it; requests
    # always go through get_queryset, which holds just the caller's tokens.
    queryset = PersonalAccessToken.objects.none()
    lookup_field = "token_key"

    def get_queryset(self):
        return selectors.tokens_of(self.request.user)

    def get_object(self):
        return selectors.access_token(self.request.user, self.kwargs["token_key"])

    def perform_destroy(self, instance):
        services.revoke_personal_access_token(token=instance, actor=self.request.user)
