"""/assessments/: the trainee starts an assessment, sends it to an assessor (by a one-time
link, or to the queue of an assessor with an account), revokes the request, and reads the
result; /assessment-forms/: the forms they may start."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments import selectors, services
from assessments.models import Assessment, AssessmentForm, AssessmentType
from core.api import IdField, VisibleToCaller
from curriculum.models import Item
from portfolio.api.schema import entry_errors


class AssessmentFormSerializer(serializers.ModelSerializer):
    questions = serializers.ListField(
        source="all_questions",
        child=serializers.DictField(),
        read_only=True,
        help_text="The base form's questions, then the organisation's own.",
    )
    organisation = serializers.CharField(
        source="organisation.slug",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="The organisation that extended a Waymark form; null for Waymark's own.",
    )

    class Meta:
        model = AssessmentForm
        fields = ["id", "code", "name", "assessment_type", "organisation", "questions"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="entry_id", read_only=True)
    title = serializers.CharField(source="entry.title", read_only=True)
    date = serializers.DateField(source="entry.date", read_only=True)
    form = serializers.CharField(source="form.code", read_only=True)
    assessment_type = serializers.ChoiceField(choices=AssessmentType.choices, read_only=True)
    by_ticket = serializers.BooleanField(
        read_only=True,
        help_text="Completed through a one-time link by an assessor who did not sign in.",
    )
    locked = serializers.BooleanField(source="is_locked", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id", "event", "title", "date", "form", "assessment_type", "state", "answers",
            "by_ticket", "locked", "assessor_name", "assessor_email", "assessor_role",
            "assessor_gmc_number", "assessor_comment", "requested_at", "completed_at",
        ]  # fmt: skip
        read_only_fields = fields


class StartSerializer(serializers.Serializer):
    form = IdField(help_text="The id of one of the forms at /assessment-forms/.")
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        default=dict,
        help_text="The trainee's answers, by question key.",
    )
    items = serializers.ListField(child=IdField(), default=list)
    reflection_what_happened = serializers.CharField(allow_blank=True, default="")
    reflection_learned = serializers.CharField(allow_blank=True, default="")
    reflection_next_time = serializers.CharField(allow_blank=True, default="")


class RequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()


def _items(ids) -> list[Item]:
    items = list(Item.objects.filter(pk__in=ids))
    if len(items) != len(set(ids)):
        raise ValidationError({"items": "Some of these items do not exist."})
    return items


@extend_schema(tags=["assessments"])
@extend_schema_view(list=extend_schema(summary="The assessment forms you may start"))
class AssessmentFormViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AssessmentFormSerializer
    queryset = AssessmentForm.objects.none()
    oauth_scopes = {"read": "entries:read"}

    def visible_to(self, user):
        return selectors.forms_for(user)


@extend_schema(tags=["assessments"])
@extend_schema_view(
    list=extend_schema(summary="Your assessments"),
    retrieve=extend_schema(
        summary="One of your assessments",
        responses={200: AssessmentSerializer, **entry_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Start an assessment",
        request=StartSerializer,
        responses={201: AssessmentSerializer, **entry_errors(400, 401)},
    ),
)
class AssessmentViewSet(
    VisibleToCaller,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()
    oauth_scopes = {"read": "entries:read", "write": "entries:write"}

    def visible_to(self, user):
        return selectors.assessments_of(user)

    def get_object(self):
        return selectors.access_own_assessment(self.request.user, self.kwargs["pk"])

    def create(self, request):
        given = StartSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        form = selectors.forms_for(request.user).filter(pk=data.pop("form")).first()
        if form is None:
            raise ValidationError({"form": "No such form among the forms you may start."})
        data["items"] = _items(data["items"])
        assessment = services.start_assessment(actor=request.user, form=form, **data)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Send the assessment to an assessor",
        description=(
            "An assessor with a Waymark account finds it in their queue; anyone else is "
            "emailed a link that works once, for 14 days. Limited per trainee per day."
        ),
        request=RequestSerializer,
        responses={200: AssessmentSerializer, **entry_errors(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        given = RequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        assessment = self.get_object()
        services.request_assessment(
            actor=request.user, assessment=assessment, **given.validated_data
        )
        return Response(AssessmentSerializer(self.get_object()).data)

    @extend_schema(
        summary="Revoke the request: its link stops working",
        request=None,
        responses={200: AssessmentSerializer, **entry_errors(401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        services.revoke_request(actor=request.user, assessment=self.get_object())
        return Response(AssessmentSerializer(self.get_object()).data)
