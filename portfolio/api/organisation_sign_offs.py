"""/organisations/{slug}/sign-offs/: the standing sign-offs given under an organisation's
supervisions, for its admins, who may withdraw one. Entry titles and people only: admins do
not read entries. Another organisation's admin finds no such organisation (404)."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors as account_selectors
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer
from portfolio import selectors, services
from portfolio.api.entries import PersonSerializer
from portfolio.api.schema import CONFLICT, FORBIDDEN
from portfolio.api.sign_off import WithdrawalSerializer, WithdrawSerializer
from portfolio.models import LearningEntry, SignOff

NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No organisation you administer has this slug, or no sign-off standing "
    "under its supervisions has this id.",
)


class SignedEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningEntry
        fields = ["id", "title"]
        read_only_fields = fields


class OrganisationSignOffSerializer(serializers.ModelSerializer):
    event = SignedEventSerializer(source="entry", read_only=True)
    trainee = PersonSerializer(read_only=True)
    supervisor = PersonSerializer(read_only=True, help_text="Who signed it off.")

    class Meta:
        model = SignOff
        fields = ["id", "event", "trainee", "supervisor", "signed_at"]
        read_only_fields = fields


@extend_schema(
    tags=["sign-off"],
    parameters=[
        OpenApiParameter(
            "slug",
            str,
            OpenApiParameter.PATH,
            description="The organisation's slug, as in its pages' addresses.",
        )
    ],
)
@extend_schema_view(
    list=extend_schema(
        summary="Sign-offs given under your organisation's supervisions",
        description="Standing sign-offs, latest first, for the organisation's admins.",
        responses={200: OrganisationSignOffSerializer(many=True), 404: NOT_FOUND},
    ),
)
class OrganisationSignOffViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = OrganisationSignOffSerializer
    # Only for the schema; requests go through the organisation's own selectors.
    queryset = SignOff.objects.none()
    # Ids are whole numbers; anything else names no sign-off (404, from the API's catch-all).
    lookup_value_regex = "[0-9]+"
    # An organisation's admin acts in person: no scope opens this to apps.
    oauth_scopes = {}

    def organisation(self):
        return account_selectors.access_organisation_for_admin(
            self.request.user, self.kwargs["slug"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.sign_offs_in(self.organisation())

    @extend_schema(
        summary="Withdraw a sign-off given under your organisation's supervisions",
        description=(
            "When it was given in error, or the trainee needs to change the entry and their "
            "supervisor cannot. The entry goes back to draft for the trainee; the sign-off "
            "and its withdrawal, with the reason, stay in its history and the audit log."
        ),
        request=WithdrawSerializer,
        responses={
            200: WithdrawalSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample("A reason", request_only=True, value={"reason": "Signed off in error."})
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def withdraw(self, request, slug=None, pk=None):
        organisation = self.organisation()
        sign_off = selectors.access_sign_off_in(organisation, pk)
        given = WithdrawSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        withdrawal = services.withdraw_sign_off(
            entry=sign_off.entry, actor=request.user, reason=given.validated_data["reason"]
        )
        return Response(WithdrawalSerializer(withdrawal).data)
