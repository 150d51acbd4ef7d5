"""Who supervises whom in an organisation, for its admins: /organisations/{slug}/supervisions/.
Supervision gives a supervisor access to a trainee's entries; starting and ending one goes
through accounts.services, as on the pages, and is in the audit log."""

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors, services
from accounts.api.organisations import (
    ORGANISATION,
    OrganisationAdministration,
    UserSummarySerializer,
    admin_errors,
)
from accounts.models import Role, Supervision, User
from core.api import NamedChoiceField


def supervision_kind_field(**kwargs) -> NamedChoiceField:
    # Named: entries, organisations and supervisions each have a `kind` of their own.
    return NamedChoiceField(Supervision.Kind.choices, schema_name="SupervisionKindEnum", **kwargs)


class SupervisionSerializer(serializers.ModelSerializer):
    supervisor = UserSummarySerializer(read_only=True)
    trainee = UserSummarySerializer(read_only=True)
    kind = supervision_kind_field(read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "supervisor", "trainee", "kind", "start_date", "end_date"]
        read_only_fields = fields
        extra_kwargs = {
            "end_date": {"help_text": "The last day of the supervision; null if open-ended."}
        }


class StartSupervisionSerializer(serializers.Serializer):
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text="The id of a supervisor of the organisation.",
        error_messages={"does_not_exist": "Not a supervisor of this organisation."},
    )
    trainee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text="The id of a trainee of the organisation.",
        error_messages={"does_not_exist": "Not a trainee of this organisation."},
    )
    kind = supervision_kind_field()
    start_date = serializers.DateField(help_text="The first day.")
    end_date = serializers.DateField(
        allow_null=True, default=None, help_text="The last day; null for open-ended."
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            # The page's choices: only the organisation's supervisors and trainees can be
            # named, so an id cannot be used to learn who else has an account.
            self.fields["supervisor"].queryset = selectors.users_with_role(
                organisation, Role.SUPERVISOR
            )
            self.fields["trainee"].queryset = selectors.users_with_role(organisation, Role.TRAINEE)


class EndSupervisionSerializer(serializers.Serializer):
    end_date = serializers.DateField(
        help_text="The last day of the supervision. Access to the trainee's entries ends "
        "after it. It may bring a planned end forward, never push it back."
    )


@extend_schema(tags=["organisations"], parameters=[ORGANISATION])
@extend_schema_view(
    list=extend_schema(
        summary="An organisation's supervisions, latest start first",
        responses={200: SupervisionSerializer(many=True), **admin_errors()},
    ),
    create=extend_schema(
        summary="Start a supervision",
        description="As the start-supervision page. Refused by field: someone who is not a "
        "supervisor or trainee here, supervising oneself, an end before the start, or a "
        "supervision of the same kind between the same people sharing a day with this one.",
        request=StartSupervisionSerializer,
        responses={201: SupervisionSerializer, **admin_errors(invalid=True)},
        examples=[
            OpenApiExample(
                "Educational supervision for the year",
                value={
                    "supervisor": 12,
                    "trainee": 34,
                    "kind": "educational",
                    "start_date": "2026-08-05",
                    "end_date": "2027-08-03",
                },
                request_only=True,
            )
        ],
    ),
)
class SupervisionViewSet(
    OrganisationAdministration, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = SupervisionSerializer
    queryset = Supervision.objects.none()

    def visible_to(self, user):
        return selectors.supervisions_in(self.organisation())

    def create(self, request, slug=None):
        organisation = self.organisation()
        serializer = StartSupervisionSerializer(data=request.data, organisation=organisation)
        serializer.is_valid(raise_exception=True)
        supervision = services.start_supervision(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        supervision = selectors.access_supervision(organisation, supervision.pk)
        return Response(SupervisionSerializer(supervision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a supervision",
        description="As the end-supervision page. Refused under `error.fields.end_date`: a "
        "day before it started, or after a planned end that is still to come or has passed.",
        request=EndSupervisionSerializer,
        responses={
            200: SupervisionSerializer,
            **admin_errors("No such supervision in the organisation.", invalid=True),
        },
        examples=[
            OpenApiExample("Ending today", value={"end_date": "2026-11-02"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request, slug=None, pk=None):
        organisation = self.organisation()
        supervision = selectors.access_supervision(organisation, pk)
        serializer = EndSupervisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.end_supervision(
            supervision=supervision,
            end_date=serializer.validated_data["end_date"],
            actor=request.user,
        )
        return Response(SupervisionSerializer(selectors.access_supervision(organisation, pk)).data)
