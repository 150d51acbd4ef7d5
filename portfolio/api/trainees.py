"""/trainees/: a supervisor's trainees, and one trainee's portfolio at a glance, as the
supervisor's pages show them. Only trainees supervised today: anyone else is 404."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from accounts.models import Supervision, User
from core.api import INVALID, ErrorSerializer, NamedChoiceField, VisibleToCaller
from core.site import absolute_url
from portfolio import selectors
from portfolio.api.cpd import CpdYearSerializer
from portfolio.api.entries import PersonSerializer
from portfolio.models import LearningEntry, SignOffRequest, Status
from portfolio.trainees import (
    CHANGED,
    LISTED,
    NEW,
    SUBMITTED,
    change_of,
    supervised_trainees,
    trainee_overview,
)

NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="Nobody you supervise today has this id (a supervision that has ended included).",
)


class OrganisationNameSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class TraineeSupervisionSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        choices=Supervision.Kind.choices, schema_name="SupervisionKindEnum", read_only=True
    )
    organisation = OrganisationNameSerializer(read_only=True)

    class Meta:
        model = Supervision
        fields = ["id", "kind", "organisation", "start_date", "end_date"]
        read_only_fields = fields


class TraineeProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class TraineeSerializer(serializers.ModelSerializer):
    """A trainee you supervise, as the list of your trainees shows them."""

    name = serializers.CharField(source="get_full_name", read_only=True)
    supervisions = TraineeSupervisionSerializer(
        source="their_supervisions",
        many=True,
        read_only=True,
        help_text="Your supervisions of the trainee in force today.",
    )
    programmes = serializers.SerializerMethodField(
        help_text="The programmes the trainee is enrolled in today; their coverage is at "
        "/programmes/{id}/coverage/?trainee={trainee}."
    )

    class Meta:
        model = User
        fields = ["id", "name", "supervisions", "programmes"]
        read_only_fields = fields

    @extend_schema_field(TraineeProgrammeSerializer(many=True))
    def get_programmes(self, trainee):
        programmes = [enrolment.programme for enrolment in trainee.active_enrolments]
        return TraineeProgrammeSerializer(programmes, many=True).data


class ChangedEntrySerializer(serializers.ModelSerializer):
    status = NamedChoiceField(choices=Status.choices, schema_name="EventStatusEnum", read_only=True)
    change = serializers.SerializerMethodField(
        help_text=f"`{SUBMITTED}`: sent for sign-off since; `{NEW}`: logged since; "
        f"`{CHANGED}`: changed since."
    )

    class Meta:
        model = LearningEntry
        fields = ["id", "title", "kind", "date", "status", "change", "updated_at"]
        read_only_fields = fields

    def get_change(self, entry) -> str:
        return change_of(entry, self.context["since"])


class ChangesSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    total = serializers.IntegerField(help_text="Entries new, changed or sent for sign-off since.")
    events = ChangedEntrySerializer(
        many=True, help_text=f"The latest {LISTED} of them, latest first."
    )


class WaitingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningEntry
        fields = ["id", "title"]
        read_only_fields = fields


class WaitingRequestSerializer(serializers.ModelSerializer):
    event = WaitingEventSerializer(source="entry", read_only=True)
    supervisor = PersonSerializer(read_only=True, help_text="Whom it was sent to.")

    class Meta:
        model = SignOffRequest
        fields = ["id", "event", "supervisor", "requested_at"]
        read_only_fields = fields


class WaitingSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    requests = WaitingRequestSerializer(
        many=True, help_text=f"The {LISTED} waiting longest, oldest first."
    )


class ProgrammeCoverageSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="programme.pk")
    name = serializers.CharField(source="programme.name")
    required = serializers.IntegerField(
        source="summary.required", help_text="Items with a requirement."
    )
    met = serializers.IntegerField(source="summary.met")
    partly = serializers.IntegerField(source="summary.partly")
    not_started = serializers.IntegerField(source="summary.not_started")
    coverage_url = serializers.SerializerMethodField(
        help_text="Every item of the programme with the trainee's counts."
    )

    def get_coverage_url(self, coverage) -> str:
        path = reverse("api:programme-coverage-coverage", args=[coverage.programme.pk])
        return absolute_url(f"{path}?trainee={self.context['trainee'].pk}")


class TraineeOverviewSerializer(serializers.Serializer):
    """One trainee's portfolio at a glance, as their page shows it to you."""

    trainee = PersonSerializer()
    supervisions = TraineeSupervisionSerializer(
        many=True, help_text="Your supervisions of the trainee in force today."
    )
    last_viewed_at = serializers.SerializerMethodField(
        help_text="When you last opened the trainee's page on the site; null if never. "
        "Reading this does not change it."
    )
    changes = serializers.SerializerMethodField(
        help_text="What changed since `since` (by default `last_viewed_at`); null when "
        "there is no moment to compare with."
    )
    waiting = serializers.SerializerMethodField(
        help_text="The trainee's entries waiting for sign-off, whoever was asked."
    )
    event_count = serializers.IntegerField(
        source="entry_count", help_text="The trainee's entries you may read (all but drafts)."
    )
    cpd = CpdYearSerializer(
        source="credits",
        help_text="CPD credits this appraisal year, as the trainee's dashboard counts them.",
    )
    programmes = serializers.SerializerMethodField(
        help_text="Coverage of each of the trainee's programmes."
    )

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_viewed_at(self, overview):
        return serializers.DateTimeField().to_representation(self.context["last_viewed_at"])

    @extend_schema_field(ChangesSerializer(allow_null=True))
    def get_changes(self, overview):
        if overview.since is None:
            return None
        return ChangesSerializer(
            {"since": overview.since, "total": overview.changes_total, "events": overview.changes},
            context={"since": overview.since},
        ).data

    @extend_schema_field(WaitingSerializer)
    def get_waiting(self, overview):
        return WaitingSerializer(
            {"total": overview.waiting_total, "requests": overview.waiting}
        ).data

    @extend_schema_field(ProgrammeCoverageSummarySerializer(many=True))
    def get_programmes(self, overview):
        return ProgrammeCoverageSummarySerializer(
            overview.programmes, many=True, context={"trainee": overview.trainee}
        ).data


class OverviewQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(required=False)


@extend_schema(tags=["supervision"])
@extend_schema_view(
    list=extend_schema(
        summary="The trainees you supervise today",
        description="By name, each with your supervisions of them and their programmes.",
        responses={200: TraineeSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One trainee's portfolio at a glance",
        description=(
            "What the trainee's page shows you: what changed since you last looked, what "
            "waits for sign-off, how many entries you may read, CPD credits this appraisal "
            "year and coverage of each programme.\n\n"
            "Unlike opening the page, reading this does not record a look: `last_viewed_at` "
            "stays as the page left it, so that an app checking in the background does not "
            'empty the page\'s "since you last looked". Changes are since that look unless '
            "`since` names another moment (an app's own last check)."
        ),
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Changes after this moment (ISO 8601), instead of after your "
                "last look at the trainee's page.",
            )
        ],
        responses={200: TraineeOverviewSerializer, 400: INVALID, 404: NOT_FOUND},
    ),
)
class TraineeViewSet(
    VisibleToCaller, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = TraineeSerializer
    # Only for the schema; requests go through the supervisor's own selectors.
    queryset = User.objects.none()
    oauth_scopes = {"read": "entries:read"}
    # Ids are whole numbers; anything else names nobody (404, from the API's catch-all).
    lookup_value_regex = "[0-9]+"

    def visible_to(self, user):
        return supervised_trainees(user)

    def retrieve(self, request, pk=None):
        trainee = selectors.access_supervised_trainee(request.user, pk)
        query = OverviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        last_viewed = selectors.last_viewed_at(request.user, trainee)
        overview = trainee_overview(
            supervisor=request.user,
            trainee=trainee,
            since=query.validated_data.get("since", last_viewed),
            today=timezone.localdate(),
        )
        context = {"last_viewed_at": last_viewed}
        return Response(TraineeOverviewSerializer(overview, context=context).data)
