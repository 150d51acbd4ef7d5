"""API for the e-learning providers a trainee has connected: `/connected-providers/`."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer
from integrations.xapi import selectors, services
from integrations.xapi.models import ProviderConnection

NOT_CONNECTED = OpenApiResponse(
    ErrorSerializer, description="You have not connected this provider."
)


class ConnectedProviderSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(
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
