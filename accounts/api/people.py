"""The signed-in user (/me/) and their personal access tokens (/tokens/)."""

from allauth.account.decorators import reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.organisations import role_field
from accounts.models import Membership, PersonalAccessToken, User, gmc_number_validator
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer
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


# --- The signed-in user ----------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role = role_field(read_only=True)

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


class ProfileSerializer(serializers.Serializer):
    """What the account page's profile form changes; fields left out keep their value."""

    full_name = serializers.CharField(max_length=200)
    registration_number = serializers.CharField(
        max_length=7,
        allow_blank=True,
        validators=[gmc_number_validator],
        help_text="Your 7-digit GMC number, or an empty string for none.",
    )


@extend_schema(
    methods=["GET"],
    responses={200: MeSerializer, 401: UNAUTHENTICATED},
    summary="The signed-in user, with their roles",
    tags=["me"],
)
@extend_schema(
    methods=["PATCH"],
    request=ProfileSerializer,
    responses={200: MeSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    summary="Change your name or GMC number",
    description="As the profile form of the account page. A GMC number another account "
    "already uses is refused under `error.fields.registration_number`. The email address "
    "changes only in the account settings, where the new address is confirmed.",
    examples=[
        OpenApiExample(
            "A new GMC number",
            value={"registration_number": "7123456"},
            request_only=True,
        )
    ],
    tags=["me"],
)
# Reading is the profile scope's; the profile is changed by its owner, never by an app.
@declare_scopes(read="profile")
@api_view(["GET", "PATCH"])
def me(request):
    user = request.user
    if request.method == "PATCH":
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {
            "full_name": user.full_name,
            "registration_number": user.registration_number,
            **serializer.validated_data,
        }
        services.update_profile(user=user, actor=user, **changes)
    return Response(MeSerializer(selectors.user_with_memberships(user)).data)


# --- Personal access tokens ------------------------------------------------------------------


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonalAccessToken
        fields = ["token_key", "name", "created", "expiry", "last_used_at"]
        read_only_fields = fields
        extra_kwargs = {
            "token_key": {"help_text": "The start of the token, which identifies it."},
            "expiry": {"help_text": "When the token stops working; null if it never expires."},
        }


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The token itself, shown this once: Waymark keeps only a digest of it.",
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=100, help_text="What the token is for, so you can recognise it later."
    )
    expires = serializers.ChoiceField(
        choices=list(services.TOKEN_LIFETIMES),
        default="90",
        help_text="After how many days the token stops working, or never; as the account page.",
    )


class PasswordNeededAgain(exceptions.PermissionDenied):
    default_code = "reauthentication_required"


@reauthentication_required
def _refuse_unless_recently_authenticated(request):
    """allauth's own test of the token page, which asks for the password again if it has not
    been entered in the last few minutes: it raises ReauthenticationRequired."""


@extend_schema(tags=["tokens"])
@extend_schema_view(
    list=extend_schema(
        summary="Your personal access tokens",
        responses={200: TokenSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Make a personal access token",
        description="As on the account page. The answer holds the token itself, once; "
        "Waymark keeps only a digest, so it cannot be shown again. Signed in with a session, "
        "the password must have been entered again in the last five minutes, as the account "
        "page asks (`/accounts/reauthenticate/`); with a token, the token is enough.",
        request=TokenRequestSerializer,
        responses={
            201: NewTokenSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Signed in with a session whose password was not entered again "
                "recently (code `reauthentication_required`), or an app's OAuth token.",
            ),
        },
        examples=[
            OpenApiExample(
                "For a CI pipeline, for 30 days",
                value={"name": "CI pipeline", "expires": "30"},
                request_only=True,
            )
        ],
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
    """The caller's personal access tokens: listed, made and revoked. Never an app's: the
    viewset declares no OAuth scope."""

    serializer_class = TokenSerializer
    # Only for the schema, which reads the model and the key's type from it; requests
    # always go through get_queryset, which holds just the caller's tokens.
    queryset = PersonalAccessToken.objects.none()
    lookup_field = "token_key"

    def get_queryset(self):
        return selectors.tokens_of(self.request.user)

    def get_object(self):
        return selectors.access_token(self.request.user, self.kwargs["token_key"])

    def create(self, request):
        if request.auth is None:
            # A session: the browser that could open the account page, which asks for the
            # password again before it makes a token. A personal token is itself a credential.
            try:
                _refuse_unless_recently_authenticated(request._request)
            except ReauthenticationRequired:
                raise PasswordNeededAgain(
                    "Enter your password again first, as the account page asks: "
                    f"{reverse('account_reauthenticate')}"
                ) from None
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = services.create_personal_access_token(
            user=request.user,
            actor=request.user,
            name=serializer.validated_data["name"],
            expires_in=services.TOKEN_LIFETIMES[serializer.validated_data["expires"]],
        )
        token.token = secret
        response = Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)
        # The only copy of the token there will be: no cache or browser may keep it.
        add_never_cache_headers(response)
        return response

    def perform_destroy(self, instance):
        services.revoke_personal_access_token(token=instance, actor=self.request.user)
