"""API for the educational supervisor's report, /supervisor-reports/: started by the
trainee's educational supervisor, saved as a draft, signed, after which it is locked (409).
A draft is its supervisor's alone; everyone else is told there is no such report (404).
Reading it is reading about the trainee's portfolio (`entries:read`); writing and signing are
done in person, closed to apps connected through OAuth."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import INVALID, UNAUTHENTICATED, IdField, NamedChoiceField, VisibleToCaller
from reviews import selectors, services
from reviews.api import ENROLMENT_NOT_FOUND, NOT_YOURS, error_response
from reviews.models import SupervisorReport

REPORT_NOT_FOUND = error_response(
    "No such report, or not one you can see (others' drafts included)."
)
LOCKED = error_response("The report is signed, so it is locked (code `conflict`).")


class ReportSerializer(serializers.ModelSerializer):
    state = NamedChoiceField(
        schema_name="SupervisorReportState", choices=SupervisorReport.State.choices
    )
    locked = serializers.BooleanField(source="is_locked", read_only=True)
    questions = serializers.ListField(
        child=serializers.DictField(), read_only=True, help_text="As when the report began."
    )
    summary = serializers.DictField(
        read_only=True,
        help_text="The trainee's counts and coverage as they were when signed; empty while a "
        "draft.",
    )

    class Meta:
        model = SupervisorReport
        fields = [
            "id", "uid", "enrolment", "trainee", "supervisor", "state", "locked",
            "period_start", "period_end", "questions", "answers", "summary", "content_hash",
            "created_at", "signed_at",
        ]  # fmt: skip
        read_only_fields = fields


class StartReportSerializer(serializers.Serializer):
    enrolment = IdField(help_text="The enrolment of a trainee you are educational supervisor of.")
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


class SaveReportSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Answers by question key; required ones are needed before signing.",
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


@extend_schema(tags=["annual reviews"])
@extend_schema_view(
    list=extend_schema(
        summary="Educational supervisor's reports you may see",
        description="Your own, drafts included; signed reports on you, on trainees you "
        "supervise today, and in programmes you administer.",
        responses={200: ReportSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One report", responses={200: ReportSerializer, 404: REPORT_NOT_FOUND}
    ),
    create=extend_schema(
        summary="Start a report",
        description="For the trainee's educational supervisor today. A draft you already "
        "have on this enrolment is answered instead of a new one.",
        request=StartReportSerializer,
        responses={
            201: ReportSerializer,
            400: INVALID,
            403: NOT_YOURS,
            404: ENROLMENT_NOT_FOUND,
        },
    ),
    update=extend_schema(
        summary="Save your draft report",
        request=SaveReportSerializer,
        responses={200: ReportSerializer, 400: INVALID, 404: REPORT_NOT_FOUND, 409: LOCKED},
    ),
    partial_update=extend_schema(
        summary="Save part of your draft report",
        request=SaveReportSerializer,
        responses={200: ReportSerializer, 400: INVALID, 404: REPORT_NOT_FOUND, 409: LOCKED},
    ),
)
class SupervisorReportViewSet(
    VisibleToCaller,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportSerializer
    queryset = SupervisorReport.objects.none()
    # Reading is reading about the trainee's portfolio; writing and signing are in person.
    oauth_scopes = {"read": "entries:read"}

    def visible_to(self, user):
        return selectors.reports_visible_to(user)

    def get_object(self):
        return selectors.access_report(self.request.user, self.kwargs["pk"])

    def create(self, request):
        given = StartReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        enrolment = selectors.access_enrolment(request.user, data.pop("enrolment"))
        report = services.start_report(actor=request.user, enrolment=enrolment, **data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        report = selectors.access_own_report(request.user, pk)
        given = SaveReportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        services.save_report(
            actor=request.user,
            report=report,
            answers=data.get("answers", report.answers if partial else {}),
            period_start=data.get("period_start", report.period_start),
            period_end=data.get("period_end", report.period_end),
        )
        return Response(ReportSerializer(self.get_object()).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Sign your report, which locks it",
        description="Every required question must be answered. The trainee's counts and "
        "coverage are kept in `summary` as they are now, the SHA-256 of the report as "
        "signed is recorded in the audit log, and the report never changes again.",
        request=None,
        responses={200: ReportSerializer, 400: INVALID, 404: REPORT_NOT_FOUND, 409: LOCKED},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        report = selectors.access_own_report(request.user, pk)
        services.sign_report(actor=request.user, report=report)
        return Response(ReportSerializer(self.get_object()).data)
