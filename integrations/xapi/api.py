"""API for xAPI intake: the e-learning providers a trainee has connected
(`/connected-providers/`), and a provider's keys, which its admins create, rotate and revoke
as on the organisation's integrations page (`/organisations/{slug}/xapi-keys/`)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.selectors import access_organisation_for_admin
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, SlugRelatedField
from core.site import absolute_url
from integrations.xapi import selectors, services
from integrations.xapi.models import ProviderConnection, XapiCredential

NOT_CONNECTED = OpenApiResponse(
    ErrorSerializer, description="You have not connected this provider."
)


class ConnectedProviderSerializer(serializers.ModelSerializer):
    organisation = SlugRelatedField(
        slug_field="slug",
        queryset=selectors.providers(),
        help_text="The e-learning provider's slug.",
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProviderConnection
        fields = [
            "organisation",
            "organisation_name",
            "account_home_page",
            "account_name",
            "connected_at",
        ]
        read_only_fields = ["organisation_name", "connected_at"]


@extend_schema(tags=["connected providers"])
@extend_schema_view(
    list=extend_schema(
        summary="E-learning providers you have connected",
        responses={200: ConnectedProviderSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Connect an e-learning provider",
        description=(
            "Allows the provider to send xAPI statements that become learning entries in "
            "your portfolio. It is matched to you by your verified email addresses, or by "
            "the account you name. Connecting again changes the account."
        ),
        examples=[OpenApiExample("By email", value={"organisation": "e-lfh"}, request_only=True)],
        responses={201: ConnectedProviderSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    ),
    destroy=extend_schema(
        summary="Disconnect an e-learning provider",
        responses={
            204: OpenApiResponse(description="Disconnected; entries it sent stay."),
            401: UNAUTHENTICATED,
            404: NOT_CONNECTED,
        },
    ),
)
class ConnectedProviderViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConnectedProviderSerializer
    # For the schema only; requests read the caller's own connections.
    queryset = ProviderConnection.objects.none()
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    # Consent to a provider writing into a portfolio is given by the person, never by an
    # app on their behalf.
    oauth_scopes = {"read": "profile"}

    def get_queryset(self):
        return selectors.provider_connections_of(self.request.user)

    def get_object(self):
        return selectors.access_provider_connection(self.request.user, self.kwargs["slug"])

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        connection = services.connect_provider(
            user=request.user, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(connection).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.disconnect_provider(connection=instance, actor=self.request.user)


# --- A provider's keys (its admins) ------------------------------------------------------------

ORGANISATION = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The slug of an organisation you administer.",
)
NOT_ADMINISTERED = OpenApiResponse(
    ErrorSerializer, description="No such organisation among those you administer."
)
NO_SUCH_KEY = OpenApiResponse(
    ErrorSerializer,
    description="No such organisation among those you administer, or no such key of it that "
    "still works.",
)
NOT_A_PROVIDER = OpenApiResponse(
    ErrorSerializer,
    description="Under `error.fields.organisation`: the organisation is not an e-learning "
    "provider, so it sends no statements and has no keys.",
)
# An answer that carries a secret is for the caller alone, and for now alone.
NO_STORE = {"Cache-Control": "no-store"}


class XapiKeySerializer(serializers.ModelSerializer):
    active = serializers.SerializerMethodField(help_text="False once revoked.")

    class Meta:
        model = XapiCredential
        fields = ["id", "key", "active", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields

    def get_active(self, credential) -> bool:
        return credential.revoked_at is None


class NewXapiKeySerializer(XapiKeySerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown this once: Waymark keeps only a keyed hash. Send the key and secret "
        "as HTTP Basic authentication.",
    )
    endpoint = serializers.SerializerMethodField(
        help_text="The xAPI endpoint the provider's systems send statements to."
    )

    class Meta(XapiKeySerializer.Meta):
        fields = [*XapiKeySerializer.Meta.fields, "secret", "endpoint"]
        read_only_fields = fields

    def get_endpoint(self, credential) -> str:
        return absolute_url(reverse("xapi:about").removesuffix("about"))


NEW_KEY_EXAMPLE = OpenApiExample(
    "A new key",
    value={
        "id": 7,
        "key": "xapi_3f9c2a71d04be86a15c0e2d9",
        "active": True,
        "created_at": "2026-11-02T09:30:00Z",
        "last_used_at": None,
        "revoked_at": None,
        "secret": "q0Gk3v…",
        "endpoint": "https://waymark.example/xapi/",
    },
    response_only=True,
    status_codes=["201"],
)


@extend_schema(tags=["xapi keys"], parameters=[ORGANISATION])
@extend_schema_view(
    list=extend_schema(
        summary="The organisation's xAPI keys, working ones first",
        description="Revoked keys are listed too, as on the integrations page.",
        responses={
            200: XapiKeySerializer(many=True),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such organisation among those you administer, or no such "
                "page: `page` is past the last page, or not a whole number from 1.",
            ),
        },
    ),
    create=extend_schema(
        summary="Create an xAPI key and secret for the provider",
        description="Only for an e-learning provider. The secret is in this answer alone.",
        request=None,
        responses={
            201: NewXapiKeySerializer,
            400: NOT_A_PROVIDER,
            401: UNAUTHENTICATED,
            404: NOT_ADMINISTERED,
        },
        examples=[NEW_KEY_EXAMPLE],
    ),
)
class XapiKeyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = XapiKeySerializer
    # For the schema only; requests read the keys of an organisation the caller administers.
    queryset = XapiCredential.objects.none()
    # A key lets a system write into trainees' portfolios: its admins make them in person,
    # never an app acting for one of them.
    oauth_scopes = {}

    def organisation(self):
        return access_organisation_for_admin(self.request.user, self.kwargs["slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.credentials_of(self.organisation())

    def get_object(self):
        return selectors.access_credential(self.organisation(), self.kwargs["pk"])

    def _new_key(self, credential, secret):
        credential.secret = secret
        return Response(
            NewXapiKeySerializer(credential).data,
            status=status.HTTP_201_CREATED,
            headers=NO_STORE,
        )

    def create(self, request, slug=None):
        credential, secret = services.create_credential(
            organisation=self.organisation(), actor=request.user
        )
        return self._new_key(credential, secret)

    @extend_schema(
        summary="Rotate a key: revoke it and create its replacement",
        description="The old key stops working at once; the new key's secret is in this "
        "answer alone.",
        request=None,
        responses={
            201: NewXapiKeySerializer,
            400: NOT_A_PROVIDER,
            401: UNAUTHENTICATED,
            404: NO_SUCH_KEY,
        },
        examples=[NEW_KEY_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, slug=None, pk=None):
        credential, secret = services.rotate_credential(
            credential=self.get_object(), actor=request.user
        )
        return self._new_key(credential, secret)

    @extend_schema(
        summary="Revoke a key: it stops working at once",
        request=None,
        responses={200: XapiKeySerializer, 401: UNAUTHENTICATED, 404: NO_SUCH_KEY},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, slug=None, pk=None):
        credential = self.get_object()
        services.revoke_credential(credential=credential, actor=request.user)
        credential.refresh_from_db()
        return Response(XapiKeySerializer(credential).data)
