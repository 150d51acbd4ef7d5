"""A programme's enrolments, for the admins of its organisation:
/programmes/{programme_id}/enrolments/. An enrolment lets the programme's admins and the
trainee's supervisors follow the trainee's progress; starting and ending one goes through
curriculum.services, as on the pages, and is in the audit log."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.api.organisations import UserSummarySerializer
from accounts.models import Role, User
from curriculum import selectors, services
from curriculum.api.programmes import PROGRAMME_ID, ProgrammeManagement, management_errors
from curriculum.models import Enrolment


class EnrolmentSerializer(serializers.ModelSerializer):
    trainee = UserSummarySerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "trainee", "start_date", "end_date"]
        read_only_fields = fields
        extra_kwargs = {"end_date": {"help_text": "The last day; null if open-ended."}}


class EnrolSerializer(serializers.Serializer):
    trainee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text="The id of a trainee of the programme's organisation.",
        error_messages={"does_not_exist": "Not a trainee of this organisation."},
    )
    start_date = serializers.DateField(help_text="The first day.")
    end_date = serializers.DateField(
        allow_null=True, default=None, help_text="The last day; null for open-ended."
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            # The page's choices: only the organisation's trainees can be named, so an id
            # cannot be used to learn who else has an account.
            self.fields["trainee"].queryset = account_selectors.users_with_role(
                organisation, Role.TRAINEE
            )


class EndEnrolmentSerializer(serializers.Serializer):
    end_date = serializers.DateField(
        help_text="The last day of the enrolment. It may bring a planned end forward, never "
        "push it back."
    )


@extend_schema(tags=["curriculum"], parameters=[PROGRAMME_ID])
@extend_schema_view(
    list=extend_schema(
        summary="A programme's enrolments, latest start first (its organisation's admins)",
        responses={200: EnrolmentSerializer(many=True), **management_errors()},
    ),
    create=extend_schema(
        summary="Enrol a trainee (its organisation's admins)",
        description="As the enrol page. Refused by field: someone who is not a trainee of the "
        "programme's organisation, an enrolment of theirs in the programme sharing a day "
        "with this one, or an end before the start.",
        request=EnrolSerializer,
        responses={201: EnrolmentSerializer, **management_errors(invalid=True)},
        examples=[
            OpenApiExample(
                "For the year",
                value={"trainee": 34, "start_date": "2026-08-05", "end_date": "2027-08-03"},
                request_only=True,
            )
        ],
    ),
)
class EnrolmentViewSet(ProgrammeManagement, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EnrolmentSerializer
    queryset = Enrolment.objects.none()

    def visible_to(self, user):
        # A cohort starts on the same day; the id breaks the tie so that pages are stable.
        return selectors.enrolments_in(self.programme()).order_by("-start_date", "-pk")

    def create(self, request, programme_id=None):
        programme = self.programme()
        serializer = EnrolSerializer(data=request.data, organisation=programme.organisation)
        serializer.is_valid(raise_exception=True)
        enrolment = services.enrol_trainee(
            actor=request.user, programme=programme, **serializer.validated_data
        )
        enrolment = selectors.access_enrolment(programme, enrolment.pk)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End an enrolment (its organisation's admins)",
        description="As the end-enrolment page. Refused under `error.fields.end_date`: a day "
        "before it started, or after a planned end that is still to come or has passed.",
        request=EndEnrolmentSerializer,
        responses={
            200: EnrolmentSerializer,
            **management_errors("No such enrolment in the programme", invalid=True),
        },
        examples=[
            OpenApiExample("Leaving early", value={"end_date": "2027-02-01"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def end(self, request, programme_id=None, pk=None):
        programme = self.programme()
        enrolment = selectors.access_enrolment(programme, pk)
        serializer = EndEnrolmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.end_enrolment(
            actor=request.user, enrolment=enrolment, end_date=serializer.validated_data["end_date"]
        )
        return Response(EnrolmentSerializer(selectors.access_enrolment(programme, pk)).data)
