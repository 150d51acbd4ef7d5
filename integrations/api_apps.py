"""API for third-party apps, as the account pages do it: /apps/ lists the apps a person
registered (and their organisations') and registers another, answering with its client
secret once; /connected-apps/ lists the apps a person has allowed and revokes one.

Both are closed to OAuth apps: an app may not register apps, nor see or end what a person
allowed other apps. Personal access tokens and sessions use them."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from oauth2_provider.models import get_application_model
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import organisations_administered_by
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, SlugRelatedField, VisibleToCaller
from integrations import selectors, services
from integrations.models import Connection
from integrations.scopes import in_words

Application = get_application_model()

GRANTS = [services.AUTHORIZATION_CODE, services.CLIENT_CREDENTIALS]
NOT_CONNECTED = OpenApiResponse(ErrorSerializer, description="No such connected app of yours.")
# An answer that carries a secret is for the caller alone, and for now alone.
NO_STORE = {"Cache-Control": "no-store"}


class AppSerializer(serializers.ModelSerializer):
    public = serializers.SerializerMethodField(
        help_text="A public client runs on people's devices, keeps no secret and proves each "
        "authorization with PKCE."
    )
    grant = serializers.ChoiceField(
        source="authorization_grant_type",
        choices=GRANTS,
        read_only=True,
        help_text="`authorization-code`: acts for people who allow it; `client-credentials`: "
        "acts for its organisation alone.",
    )
    redirect_uris = serializers.SerializerMethodField()
    organisation = SlugRelatedField(
        source="organisation_app.organisation",
        slug_field="slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The slug of the organisation that owns the app; null for yours.",
    )

    class Meta:
        model = Application
        fields = [
            "id", "name", "client_id", "public", "grant", "redirect_uris", "organisation",
            "created",
        ]  # fmt: skip
        read_only_fields = fields

    def get_public(self, application) -> bool:
        return application.client_type == Application.CLIENT_PUBLIC

    def get_redirect_uris(self, application) -> list[str]:
        return application.redirect_uris.split()


class NewAppSerializer(AppSerializer):
    client_secret = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="Shown this once, for a confidential client: Waymark keeps only its hash. "
        "Null for a public client, which has none.",
    )

    class Meta(AppSerializer.Meta):
        fields = [*AppSerializer.Meta.fields, "client_secret"]
        read_only_fields = fields


class RegisterAppSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text="People see it when asked to allow it.")
    redirect_uris = serializers.ListField(
        child=serializers.RegexField(
            r"^\S+$",
            max_length=2000,
            error_messages={"invalid": "One address, without spaces."},
        ),
        default=list,
        help_text="Where Waymark sends people back after they allow the app: https, or http "
        "for localhost only. Needed for the authorization-code grant.",
    )
    public = serializers.BooleanField(
        default=False,
        help_text="For apps on people's phones or in their browsers, which cannot keep a "
        "secret. Public clients get no secret.",
    )
    grant = serializers.ChoiceField(choices=GRANTS, default=services.AUTHORIZATION_CODE)
    organisation = SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        required=False,
        allow_null=True,
        help_text="The slug of an organisation you administer, for its own integrations; omit "
        "for your own app. Only an organisation's apps may use client credentials.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is generated
        if request is not None:
            self.fields["organisation"].queryset = organisations_administered_by(request.user)

    def validate_redirect_uris(self, uris):
        # The service takes them as the page's form does: separated by white space.
        return "\n".join(uris)


@extend_schema(tags=["apps"])
@extend_schema_view(
    list=extend_schema(
        summary="Apps you registered, and those of organisations you administer",
        responses={200: AppSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Register an app to use the API through OAuth 2.0",
        description="The answer carries the client secret of a confidential client, which is "
        "not shown again. A public client gets none and uses PKCE.",
        request=RegisterAppSerializer,
        responses={201: NewAppSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "A web app",
                value={
                    "name": "Rota Planner",
                    "redirect_uris": ["https://rota.example.org/callback"],
                    "public": False,
                    "grant": "authorization-code",
                },
                request_only=True,
            )
        ],
    ),
)
class AppViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AppSerializer
    queryset = Application.objects.none()
    # No scope opens this to apps: an app may not register apps.
    oauth_scopes = {}

    def visible_to(self, user):
        return selectors.applications_registered_by(user)

    def create(self, request):
        given = RegisterAppSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        application, secret = services.register_application(
            owner=request.user, actor=request.user, **given.validated_data
        )
        application.client_secret = secret
        return Response(
            NewAppSerializer(application).data, status=status.HTTP_201_CREATED, headers=NO_STORE
        )


class ConnectedAppSerializer(serializers.ModelSerializer):
    app = serializers.CharField(source="application.name", read_only=True)
    client_id = serializers.CharField(source="application.client_id", read_only=True)
    scopes = serializers.SerializerMethodField(help_text="The scopes granted.")
    can = serializers.SerializerMethodField(
        help_text="What the scopes let the app do, in the words the consent page used."
    )

    class Meta:
        model = Connection
        fields = ["id", "app", "client_id", "scopes", "can", "connected_at", "last_used_at"]
        read_only_fields = fields

    def get_scopes(self, connection) -> list[str]:
        return connection.scope.split()

    def get_can(self, connection) -> list[str]:
        return in_words(connection.scope)


@extend_schema(tags=["apps"])
@extend_schema_view(
    list=extend_schema(
        summary="Apps you have allowed to use your portfolio",
        description="What each may do, since when, and when it last used its access.",
        responses={200: ConnectedAppSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    destroy=extend_schema(
        summary="Revoke an app's access",
        description="Every token the app holds for you stops working at once; it must be "
        "allowed again to come back. Recorded in the audit log.",
        responses={
            204: OpenApiResponse(description="Revoked."),
            401: UNAUTHENTICATED,
            404: NOT_CONNECTED,
        },
    ),
)
class ConnectedAppViewSet(
    VisibleToCaller, mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ConnectedAppSerializer
    queryset = Connection.objects.none()
    # Consent is given and taken back by the person: no app sees or ends another's.
    oauth_scopes = {}

    def visible_to(self, user):
        return selectors.connections_of(user)

    def get_object(self):
        return selectors.access_connection(self.request.user, self.kwargs["pk"])

    def perform_destroy(self, connection):
        services.revoke_connection(connection=connection, actor=self.request.user)
