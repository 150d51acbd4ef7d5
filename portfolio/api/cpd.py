"""/cpd/: CPD credits per appraisal year, as the dashboard counts them, for the caller or
for a trainee they supervise."""

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core.api import INVALID, ErrorSerializer, IdField
from portfolio import cpd, selectors

# The first appraisal year anyone may ask about; an entry may not be older.
FIRST_YEAR = 1900


class CpdMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day.")
    credits = serializers.DecimalField(max_digits=9, decimal_places=2)


class CpdYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        help_text="The year the appraisal year starts in: 2025 for 1 April 2025 to 31 March 2026."
    )
    start = serializers.DateField()
    end = serializers.DateField()
    credits = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="CPD credits of every entry dated in the year, whatever its status.",
    )
    hours = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        help_text="Hours of learning: the entries' durations added up (entries without one "
        "count none).",
    )
    target = serializers.IntegerField(help_text="Credits a year should reach.")
    met = serializers.BooleanField(help_text="Whether the credits reach the target.")
    months = serializers.SerializerMethodField(help_text="Credits month by month, April first.")

    @extend_schema_field(CpdMonthSerializer(many=True))
    def get_months(self, year):
        return CpdMonthSerializer(
            [{"month": month, "credits": credits} for month, credits in year.months], many=True
        ).data


class CpdQuerySerializer(serializers.Serializer):
    trainee = IdField(required=False)
    year = serializers.IntegerField(required=False)

    def validate_year(self, year):
        current = selectors.appraisal_year(self.context["today"])[0].year
        if not FIRST_YEAR <= year <= current:
            raise serializers.ValidationError(
                f"An appraisal year from {FIRST_YEAR} to the current one, {current}."
            )
        return year


@extend_schema(tags=["events"])
class CpdViewSet(viewsets.GenericViewSet):
    """CPD credits per appraisal year."""

    serializer_class = CpdYearSerializer
    pagination_class = None
    filter_backends = []
    oauth_scopes = {"read": "entries:read"}

    @extend_schema(
        summary="CPD credits per appraisal year, against the target",
        description=(
            "As the dashboard counts them: the credits of every entry dated in the appraisal "
            "year (1 April to 31 March), drafts included, against the annual target, and "
            "month by month. Every year from the one of the earliest entry to the current "
            "one, newest first, a year with nothing logged included; or only the `year` "
            "asked for. Yours, or with `trainee`, a trainee's you supervise today, as their "
            "page shows you their credits."
        ),
        parameters=[
            OpenApiParameter(
                "trainee", int, description="Whose credits: a trainee you supervise today."
            ),
            OpenApiParameter(
                "year",
                int,
                description="Only this appraisal year, named by the year it starts in.",
            ),
        ],
        responses={
            200: CpdYearSerializer(many=True),
            400: INVALID,
            404: OpenApiResponse(
                ErrorSerializer, description="`trainee` is not someone you supervise today."
            ),
        },
    )
    def list(self, request):
        today = timezone.localdate()
        query = CpdQuerySerializer(data=request.query_params, context={"today": today})
        query.is_valid(raise_exception=True)
        trainee = request.user
        if (trainee_id := query.validated_data.get("trainee")) not in (None, request.user.pk):
            trainee = selectors.access_supervised_trainee(request.user, trainee_id)
        years = cpd.cpd_years(trainee, today=today, year=query.validated_data.get("year"))
        return Response(CpdYearSerializer(years, many=True).data)
