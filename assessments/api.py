"""/assessments/: the trainee starts an assessment, changes it while it is a draft, sends it
to an assessor (by a one-time link, or to the queue of an assessor with an account), revokes
the request, and reads the result; an assessor with an account reads their queue and
completes what was sent to them. /assessment-forms/: the forms a trainee may start."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments import selectors, services
from assessments.models import Assessment, AssessmentForm, AssessmentType
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, IdField, VisibleToCaller
from curriculum.models import Item
from portfolio.api.schema import entry_errors
from portfolio.forms import REFLECTION_FIELDS
from portfolio.models import TEXT_MAX_LENGTH

NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such assessment, or not one you can see: your own, one sent to you to "
    "complete, or one of a trainee you supervise.",
)
NOT_YOUR_OWN = OpenApiResponse(ErrorSerializer, description="No such assessment of yours.")
NOT_YOURS = OpenApiResponse(
    ErrorSerializer,
    description="You can see the assessment, but only the assessor it was sent to completes it.",
)
NOT_CHANGEABLE = OpenApiResponse(
    ErrorSerializer,
    description="The assessment's state refuses this (code `conflict`; the message says why): "
    "it has been sent to its assessor, or completed and locked, or is no longer waiting for you.",
)


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
    trainee_name = serializers.StringRelatedField(source="trainee")
    questions = serializers.ListField(
        source="form.all_questions",
        child=serializers.DictField(),
        read_only=True,
        help_text="The form's questions, the trainee's (`by`: trainee) and the assessor's "
        "(`by`: assessor); `answers` holds the answers by question key.",
    )

    class Meta:
        model = Assessment
        fields = [
            "id", "event", "title", "date", "form", "assessment_type", "state", "trainee",
            "trainee_name", "questions", "answers", "by_ticket", "locked", "assessor_name",
            "assessor_email", "assessor_role", "assessor_gmc_number", "assessor_comment",
            "requested_at", "completed_at",
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


class EditSerializer(serializers.Serializer):
    """What the trainee may change in a draft; what is left out stays as it is."""

    title = serializers.CharField(max_length=200, required=False)
    date = serializers.DateField(required=False)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="The trainee's answers, by question key. Sent, they replace the answers "
        "given before as a whole.",
    )
    items = serializers.ListField(
        child=IdField(),
        required=False,
        help_text="The curriculum items it is evidence for. Sent, they replace the mapping.",
    )
    reflection_what_happened = serializers.CharField(allow_blank=True, required=False)
    reflection_learned = serializers.CharField(allow_blank=True, required=False)
    reflection_next_time = serializers.CharField(allow_blank=True, required=False)


class CompleteSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="The assessor's answers, by question key (the questions `by`: assessor). "
        "Required questions need an answer; scales and choices take one of their choices.",
    )
    assessor_role = serializers.CharField(
        max_length=200, help_text="For example, Consultant in acute medicine."
    )
    assessor_gmc_number = serializers.CharField(
        max_length=20,
        allow_blank=True,
        default="",
        help_text="7 digits, if you have one; spaces are ignored.",
    )
    assessor_comment = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, allow_blank=True, default=""
    )


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
        summary="One assessment",
        description="Your own, one sent to you to complete, or one of a trainee you supervise.",
        responses={200: AssessmentSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
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

    def retrieve(self, request, pk=None):
        return Response(AssessmentSerializer(selectors.access_assessment(request.user, pk)).data)

    @extend_schema(
        summary="Change a draft assessment's case, reflection, answers or items",
        description="Only before it is sent: once sent, revoke the request to change it; once "
        "completed, it is locked. Fields left out stay as they are.",
        request=EditSerializer,
        responses={
            200: AssessmentSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: NOT_YOUR_OWN,
            409: NOT_CHANGEABLE,
        },
        examples=[
            OpenApiExample(
                "A new title and reflection",
                value={
                    "title": "Chest pain in the emergency department",
                    "reflection_learned": "Ask about radiation to the back.",
                },
                request_only=True,
            )
        ],
    )
    def partial_update(self, request, pk=None):
        assessment = self.get_object()
        given = EditSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        entry = assessment.entry
        current = {
            "title": entry.title,
            "date": entry.date,
            "answers": assessment.answers,
            "items": list(entry.items.all()),
            **{name: getattr(entry, name) for name in REFLECTION_FIELDS},
        }
        changes = dict(given.validated_data)
        if "items" in changes:
            changes["items"] = _items(changes["items"])
        services.update_assessment(
            actor=request.user, assessment=assessment, **{**current, **changes}
        )
        return Response(AssessmentSerializer(self.get_object()).data)

    @extend_schema(
        summary="Assessments sent to you to complete, oldest first",
        responses={200: AssessmentSerializer(many=True), 401: UNAUTHENTICATED},
    )
    @action(detail=False, methods=["get"])
    def queue(self, request):
        page = self.paginate_queryset(selectors.queue_of(request.user))
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(
        summary="Complete an assessment sent to you",
        description="For the assessor with a Waymark account it was sent to: your answers to "
        "the form's assessor questions, your role and a comment. Completing locks the "
        "assessment; it is recorded in the audit log.",
        request=CompleteSerializer,
        responses={
            200: AssessmentSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: NOT_YOURS,
            404: NOT_FOUND,
            409: NOT_CHANGEABLE,
        },
        examples=[
            OpenApiExample(
                "A mini-CEX",
                value={
                    "answers": {
                        "history": "Meets expectations",
                        "overall": "Meets expectations",
                        "went_well": "Clear, kind explanation of the diagnosis.",
                    },
                    "assessor_role": "Consultant in acute medicine",
                    "assessor_gmc_number": "1234567",
                    "assessor_comment": "",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assessment = selectors.access_assessment(request.user, pk)
        given = CompleteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.complete_as_assessor(
            actor=request.user, assessment=assessment, **given.validated_data
        )
        return Response(AssessmentSerializer(selectors.access_assessment(request.user, pk)).data)

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
