"""API for annual reviews: /review-requirements/ and /report-questions/{programme id}/
(what a programme asks, and the questions of its report, for its organisation's admins) and
/annual-reviews/ (enrolments with their review date and forecast); the educational
supervisor's report is in reviews.api_reports.

Every write goes through reviews.services, after the same access helpers as the pages:
what the caller may not see is not found (404), what they may see but not do is 403, and a
signed report refuses every change with 409. Admins write in person: these writes are
closed to apps connected through OAuth."""

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments.models import AssessmentType
from core.access import get_or_404
from core.api import (
    INVALID,
    UNAUTHENTICATED,
    ErrorSerializer,
    IdField,
    NamedChoiceField,
    VisibleToCaller,
)
from curriculum.models import Enrolment, Programme
from reviews import forecast as forecasting
from reviews import selectors, services
from reviews.models import ReviewRequirement


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


PROGRAMME_NOT_FOUND = error_response("No such programme of an organisation you administer.")
REQUIREMENT_NOT_FOUND = error_response("No such requirement of a programme you administer.")
ENROLMENT_NOT_FOUND = error_response(
    "No such enrolment: not yours, nor a trainee's you supervise, nor in a programme you "
    "administer."
)
NOT_YOURS = error_response(
    "You can see this but may not do it: not an admin, or not the supervisor."
)

# --- Review requirements ---------------------------------------------------------------------


class ReviewRequirementSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        schema_name="ReviewRequirementKind", choices=ReviewRequirement.Kind.choices
    )
    assessment_type = NamedChoiceField(
        schema_name="ReviewAssessmentType",
        choices=[("", "Not an assessment count"), *AssessmentType.choices],
        allow_blank=True,
        default="",
        help_text="For a count of assessments, which type counts; empty for anything else.",
    )
    label = serializers.CharField(read_only=True, help_text="What is counted, in words.")
    programme = IdField(
        source="programme_id", help_text="A programme of an organisation you administer."
    )
    target = serializers.IntegerField(
        min_value=1,
        max_value=10_000,
        help_text="How many by the review: assessments, CPD credits, or requirements met.",
    )

    class Meta:
        model = ReviewRequirement
        fields = ["id", "programme", "kind", "assessment_type", "label", "target"]
        read_only_fields = ["id", "label"]


@extend_schema(tags=["annual reviews"])
@extend_schema_view(
    list=extend_schema(
        summary="Review requirements of the programmes you administer",
        responses={200: ReviewRequirementSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One review requirement",
        responses={200: ReviewRequirementSerializer, 404: REQUIREMENT_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Set a review requirement",
        description=(
            "Each trainee of the programme is asked for `target` completed assessments of a "
            "type, CPD credits, or curriculum requirements met by their annual review. A "
            "requirement of the same kind (and assessment type) is replaced."
        ),
        responses={201: ReviewRequirementSerializer, 400: INVALID, 403: NOT_YOURS},
        examples=[
            OpenApiExample(
                "Four CBDs",
                value={
                    "programme": 1,
                    "kind": "assessments",
                    "assessment_type": "cbd",
                    "target": 4,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Fifty CPD credits",
                value={"programme": 1, "kind": "cpd_credits", "target": 50},
                request_only=True,
            ),
        ],
    ),
    destroy=extend_schema(
        summary="Remove a review requirement",
        responses={204: None, 404: REQUIREMENT_NOT_FOUND},
    ),
)
class ReviewRequirementViewSet(
    VisibleToCaller,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReviewRequirementSerializer
    queryset = ReviewRequirement.objects.none()
    # Programmes' settings, readable as the programmes themselves are; changed in person.
    oauth_scopes = {"read": "profile"}

    def visible_to(self, user):
        return selectors.requirements_visible_to(user)

    def create(self, request):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        programme = (
            selectors.programmes_administered_by(request.user)
            .filter(pk=data.pop("programme_id"))
            .first()
        )
        if programme is None:
            raise serializers.ValidationError(
                {"programme": "No such programme of an organisation you administer."}
            )
        requirement = services.set_review_requirement(
            actor=request.user, programme=programme, **data
        )
        return Response(self.get_serializer(requirement).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_review_requirement(actor=self.request.user, requirement=instance)


# --- The report's questions ------------------------------------------------------------------


class ReportQuestionsSerializer(serializers.Serializer):
    programme = serializers.IntegerField(source="pk", read_only=True)
    own = serializers.BooleanField(
        read_only=True, help_text="Whether these are the programme's own or Waymark's default."
    )
    questions = serializers.ListField(
        child=serializers.DictField(),
        help_text=(
            'Each {"key", "type": "text" or "choice", "label", "help"?, "required"?, '
            '"choices"?}. Send an empty list to go back to Waymark\'s default questions.'
        ),
    )


def _questions_of(programme) -> dict:
    return {
        "pk": programme.pk,
        "own": selectors.has_own_questions(programme),
        "questions": selectors.report_questions_of(programme),
    }


@extend_schema(tags=["annual reviews"])
@extend_schema_view(
    retrieve=extend_schema(
        summary="The questions of a programme's educational supervisor's report",
        responses={200: ReportQuestionsSerializer, 404: PROGRAMME_NOT_FOUND},
    ),
    update=extend_schema(
        summary="Replace the questions of a programme's report",
        description="Reports started from then on ask these; reports already started keep "
        "the questions they began with.",
        request=ReportQuestionsSerializer,
        responses={200: ReportQuestionsSerializer, 400: INVALID, 404: PROGRAMME_NOT_FOUND},
    ),
)
class ReportQuestionsViewSet(viewsets.GenericViewSet):
    """By the programme's id, for the admins of the organisation running it."""

    serializer_class = ReportQuestionsSerializer
    queryset = Programme.objects.none()
    oauth_scopes = {"read": "profile"}
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return get_or_404(
            selectors.programmes_administered_by(self.request.user),
            "No such programme of an organisation you administer.",
            pk=self.kwargs["pk"],
        )

    def retrieve(self, request, pk=None):
        return Response(ReportQuestionsSerializer(_questions_of(self.get_object())).data)

    def update(self, request, pk=None):
        programme = self.get_object()
        given = ReportQuestionsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.set_report_questions(
            actor=request.user, programme=programme, questions=given.validated_data["questions"]
        )
        return Response(ReportQuestionsSerializer(_questions_of(programme)).data)


# --- Enrolments, their review date and forecast ----------------------------------------------


class AnnualReviewSerializer(serializers.ModelSerializer):
    trainee_name = serializers.StringRelatedField(source="trainee")
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    review_date = serializers.SerializerMethodField(
        help_text="The day of the annual review: set by the programme's admins, else the "
        "day before the enrolment's first anniversary."
    )

    class Meta:
        model = Enrolment
        fields = [
            "id", "trainee", "trainee_name", "programme", "programme_name", "start_date",
            "end_date", "review_date",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.DateField())
    def get_review_date(self, enrolment):
        return selectors.review_date_of(enrolment).isoformat()


class UnmetItemSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    title = serializers.CharField(source="item.title")
    counted = serializers.IntegerField()
    needed = serializers.IntegerField(source="requirement.min_entries")


class ForecastRowSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement.pk")
    kind = NamedChoiceField(
        schema_name="ReviewRequirementKind",
        choices=ReviewRequirement.Kind.choices,
        source="requirement.kind",
    )
    label = serializers.CharField(source="forecast.label")
    current = serializers.DecimalField(max_digits=12, decimal_places=2, source="forecast.current")
    target = serializers.DecimalField(max_digits=12, decimal_places=2, source="forecast.target")
    projected = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        source="forecast.projected",
        help_text="At the trainee's average pace since the period began, by the review date.",
    )
    status = NamedChoiceField(
        schema_name="ForecastStatus",
        choices=list(forecasting.STATUS_LABELS),
        source="forecast.status",
        help_text="met, on_track (the pace reaches the target) or at_risk (it does not).",
    )
    missing = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        source="forecast.missing",
        help_text="How many more are needed: beyond the projection when at risk, else now.",
    )
    sentence = serializers.CharField(source="forecast.sentence", help_text="The same, in words.")
    unmet = UnmetItemSerializer(
        many=True, help_text="For curriculum coverage: the required items not yet met."
    )


class ForecastSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="enrolment.pk")
    review_date = serializers.DateField()
    period_start = serializers.DateField(help_text="The first day the review counts.")
    today = serializers.DateField(help_text="The day the forecast was made.")
    requirements = ForecastRowSerializer(source="rows", many=True)


class ReviewDateSerializer(serializers.Serializer):
    review_date = serializers.DateField()


@extend_schema(tags=["annual reviews"])
@extend_schema_view(
    list=extend_schema(
        summary="Enrolments you may see, with their annual review dates",
        description="Yours, those of the trainees you supervise today, and those of the "
        "programmes you administer.",
        responses={200: AnnualReviewSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One enrolment and its annual review date",
        responses={200: AnnualReviewSerializer, 404: ENROLMENT_NOT_FOUND},
    ),
)
class AnnualReviewViewSet(VisibleToCaller, viewsets.ReadOnlyModelViewSet):
    serializer_class = AnnualReviewSerializer
    queryset = Enrolment.objects.none()
    # The forecast is worked out from the trainee's entries and assessments.
    oauth_scopes = {"read": "entries:read"}

    def visible_to(self, user):
        return selectors.enrolments_visible_to(user)

    def get_object(self):
        return selectors.access_enrolment(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="The annual-review forecast of an enrolment",
        description=(
            "For each of the programme's review requirements: what the trainee has now, "
            "what their average pace since the review period began gives by the review "
            "date, and whether that is met, on track or at risk, with what is missing."
        ),
        responses={200: ForecastSerializer, 404: ENROLMENT_NOT_FOUND},
        examples=[
            OpenApiExample(
                "A CBD at risk",
                response_only=True,
                value={
                    "enrolment": 7,
                    "review_date": "2027-07-31",
                    "period_start": "2026-08-01",
                    "today": "2026-11-30",
                    "requirements": [
                        {
                            "requirement": 2,
                            "kind": "assessments",
                            "label": "Case-based discussion (CBD)",
                            "current": "1.00",
                            "target": "4.00",
                            "projected": "2.00",
                            "status": "at_risk",
                            "missing": "2.00",
                            "sentence": "1 of 4 CBDs; at your pace since 1 August you will "
                            "have 2 by 31 July: 2 more needed.",
                            "unmet": [],
                        }
                    ],
                },
            )
        ],
    )
    @action(detail=True, pagination_class=None, filter_backends=[])
    def forecast(self, request, pk=None):
        enrolment = self.get_object()
        found = selectors.forecast_for(
            enrolment,
            today=timezone.localdate(),
            you=request.user.pk == enrolment.trainee_id,
        )
        return Response(ForecastSerializer(found).data)

    @extend_schema(
        summary="Set the day of the annual review",
        description="For the admins of the organisation running the programme.",
        request=ReviewDateSerializer,
        responses={
            200: AnnualReviewSerializer,
            400: INVALID,
            403: NOT_YOURS,
            404: ENROLMENT_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="review-date", url_name="review-date")
    def review_date(self, request, pk=None):
        enrolment = self.get_object()
        given = ReviewDateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.set_review_date(actor=request.user, enrolment=enrolment, **given.validated_data)
        return Response(AnnualReviewSerializer(self.get_object()).data)
