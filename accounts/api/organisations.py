"""An organisation's administration, for its admins: its members and their roles, and the
invitations that bring people in. Also the caller's own organisations, for anyone.

Everything under /organisations/{slug}/ is for the organisation's admins, through the same
access helper as the pages: to anyone else the organisation does not exist (404). Writes go
through accounts.services, which refuse what the pages refuse, in the one error format."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Invitation, Organisation, Role, User
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, NamedChoiceField, VisibleToCaller

ORGANISATION = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The organisation's slug, as in its pages' addresses and in /organisations/.",
)
NOT_AN_ADMIN = (
    "No such organisation among those you administer: to anyone but its admins, an "
    "organisation's administration does not exist."
)
ORGANISATION_NOT_FOUND = OpenApiResponse(ErrorSerializer, description=NOT_AN_ADMIN)
CLOSED_TO_APPS = OpenApiResponse(
    ErrorSerializer,
    description="An app's OAuth token: organisations are administered by their admins in "
    "person, signed in or with a personal access token.",
)


def admin_errors(not_found: str | None = None, *, invalid=False, conflict: str | None = None):
    """The errors of an operation under /organisations/{slug}/; `not_found` describes the
    object in the path when there is one besides the organisation."""
    errors = {401: UNAUTHENTICATED, 403: CLOSED_TO_APPS}
    if invalid:
        errors[400] = INVALID
    description = NOT_AN_ADMIN if not_found is None else f"{not_found} {NOT_AN_ADMIN}"
    errors[404] = OpenApiResponse(ErrorSerializer, description=description)
    if conflict:
        errors[409] = OpenApiResponse(ErrorSerializer, description=conflict)
    return errors


# For a viewset under /organisations/{slug}/: the organisation, fetched once per request for
# its admins only. Its objects' ids are whole numbers; anything else names nothing (404 from
# the API's catch-all). (No docstring: the schema would show it for each viewset.)
class OrganisationAdministration(VisibleToCaller):
    lookup_value_regex = "[0-9]+"

    def organisation(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            self._organisation = selectors.access_organisation_for_admin(
                self.request.user, self.kwargs["slug"]
            )
        return self._organisation


def role_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(Role.choices, schema_name="RoleEnum", **kwargs)


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email"]
        read_only_fields = fields


# --- The caller's organisations ------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField(help_text="Your roles in the organisation.")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "website", "roles"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=role_field()))
    def get_roles(self, organisation) -> list[str]:
        return [membership.role for membership in organisation.roles_held]


@extend_schema(tags=["organisations"])
@extend_schema_view(
    list=extend_schema(
        summary="Your organisations, with your roles in each",
        description="Those you hold any role in. Admins manage an organisation's members, "
        "invitations and supervision under /organisations/{slug}/.",
        responses={200: OrganisationSerializer(many=True), 401: UNAUTHENTICATED},
    ),
)
class OrganisationViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    oauth_scopes = {"read": "profile"}

    def visible_to(self, user):
        return selectors.organisations_of(user)


# --- Members and their roles ---------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField(help_text="Their roles in this organisation.")

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "roles"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=role_field()))
    def get_roles(self, member) -> list[str]:
        return sorted(membership.role for membership in member.org_memberships)


class RolesSerializer(serializers.Serializer):
    roles = serializers.ListField(
        child=role_field(),
        help_text="Every role the member is to hold here, and no other; at least one.",
    )


@extend_schema(tags=["organisations"], parameters=[ORGANISATION])
@extend_schema_view(
    list=extend_schema(
        summary="An organisation's members, with their roles there",
        responses={200: MemberSerializer(many=True), **admin_errors()},
    ),
)
class MemberViewSet(OrganisationAdministration, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer
    queryset = User.objects.none()

    def visible_to(self, user):
        return selectors.members_of(self.organisation())

    @extend_schema(
        summary="Set a member's roles",
        description="As the member's roles page: the member holds exactly the roles sent. "
        "Refused under `error.fields.roles`: no role, removing the organisation's last admin, "
        "or a role that running or planned supervisions still need (end those first). An "
        "admin may step down; they can no longer administer the organisation afterwards.",
        request=RolesSerializer,
        responses={
            200: MemberSerializer,
            **admin_errors("No such member of the organisation.", invalid=True),
        },
        examples=[
            OpenApiExample(
                "A trainee who also supervises",
                value={"roles": ["trainee", "supervisor"]},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["put"], filter_backends=[], pagination_class=None)
    def roles(self, request, slug=None, pk=None):
        organisation = self.organisation()
        member = selectors.access_member(organisation, pk)
        serializer = RolesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_member_roles(
            organisation=organisation,
            user=member,
            roles=set(serializer.validated_data["roles"]),
            actor=request.user,
        )
        return Response(MemberSerializer(selectors.access_member(organisation, pk)).data)


# --- Invitations ---------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=["pending", "accepted", "revoked", "expired"], read_only=True
    )
    role = role_field(read_only=True)
    invited_by = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "sent_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "sent_at": {"help_text": "When the email went out; null while it is queued."},
        }


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = role_field(default=Role.TRAINEE)


@extend_schema(tags=["organisations"], parameters=[ORGANISATION])
@extend_schema_view(
    list=extend_schema(
        summary="An organisation's pending invitations, newest first",
        responses={200: InvitationSerializer(many=True), **admin_errors()},
    ),
    create=extend_schema(
        summary="Invite someone to join in a role",
        description="As the invite page: the invitation email with its link goes out once "
        "the request commits. A new invitation for the same address and role replaces a "
        "pending one, whose link stops working. Someone who already holds the role here is "
        "refused under `error.fields.email`.",
        request=InviteSerializer,
        responses={201: InvitationSerializer, **admin_errors(invalid=True)},
        examples=[
            OpenApiExample(
                "A new trainee",
                value={"email": "new.doctor@example.org", "role": "trainee"},
                request_only=True,
            )
        ],
    ),
)
class InvitationViewSet(OrganisationAdministration, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()

    def visible_to(self, user):
        return selectors.invitations_of(self.organisation()).pending()

    def create(self, request, slug=None):
        organisation = self.organisation()
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.invite_member(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        invitation = selectors.access_invitation(organisation, invitation.pk)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a pending invitation",
        description="Its link stops working at once.",
        request=None,
        responses={
            200: InvitationSerializer,
            **admin_errors(
                "No such invitation of the organisation.",
                conflict="The invitation is no longer pending: accepted, revoked or expired.",
            ),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def revoke(self, request, slug=None, pk=None):
        organisation = self.organisation()
        invitation = selectors.access_invitation(organisation, pk)
        services.revoke_invitation(invitation=invitation, actor=request.user)
        invitation = selectors.access_invitation(organisation, pk)
        return Response(InvitationSerializer(invitation).data)
