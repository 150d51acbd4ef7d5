"""API for learning events, their evidence and sign-off, and the supervisor's queue.

Every change goes through portfolio.services and every read through portfolio.selectors, as
for the pages. The refusals of the services become the API's errors in the shared exception
handler (core.api): invalid input 400, an entry whose state forbids the change 409, a person
who may not make it 403. Entries the caller may not see do not exist for them: 404.
"""

import django_filters
from django import forms
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.models import User
from core.api import ErrorSerializer
from core.site import absolute_url
from curriculum import selectors as curriculum_selectors
from curriculum.models import Item, Programme
from portfolio import coverage, selectors, services
from portfolio.content import sign_off_matches
from portfolio.evidence import file_response
from portfolio.filters import EventFilter
from portfolio.models import (
    Evidence,
    Kind,
    LearningEvent,
    SignOff,
    SignOffRequest,
    SignOffWithdrawal,
    Source,
    Status,
)

# --- Errors -------------------------------------------------------------------------------------

UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid session or token.")
NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such entry, or not one you can see (others' drafts included)."
)
EVIDENCE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such evidence, or it belongs to an entry you cannot see."
)
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid fields; see `error.fields`.")
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="You can see the entry but this is not yours to do."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The entry's status does not allow this (code `conflict`): it is locked while "
        "waiting for sign-off or signed off, or the request was already decided."
    ),
)


# --- Output -------------------------------------------------------------------------------------


class EnumField(serializers.ChoiceField):
    """A choice field whose choice set has its own name in the schema. Enum components are
    otherwise named after the field, and `status` and `kind` already name other choice sets
    there (a coverage row's status; an entry's kind), which --fail-on-warn refuses.
    ENUM_NAME_OVERRIDES in SPECTACULAR_SETTINGS would do the same project-wide."""

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    """Registered by being defined, like the token scheme in accounts.api."""

    target_class = EnumField

    def map_serializer_field(self, auto_schema, direction):
        component = ResolvedComponent(
            name=self.target.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=self.target.enum_name,
            schema={"type": "string", "enum": list(self.target.choices)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class EvidenceSerializer(serializers.ModelSerializer):
    kind = EnumField(choices=Evidence.Kind.choices, enum_name="EvidenceKindEnum", read_only=True)
    download_url = serializers.SerializerMethodField(
        help_text="Where to fetch the file, as an attachment; null for a link."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "event",
            "kind",
            "title",
            "url",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "url": {"help_text": "The web address, for a link; empty for a file."},
            "size": {"help_text": "Bytes, for a file."},
        }

    def get_download_url(self, evidence) -> str | None:
        if evidence.kind != Evidence.Kind.FILE:
            return None
        return absolute_url(reverse("api:evidence-download", args=[evidence.pk]))


class SignOffSerializer(serializers.ModelSerializer):
    supervisor = PersonSerializer(read_only=True)

    class Meta:
        model = SignOff
        fields = ["id", "supervisor", "signed_at", "comment"]
        read_only_fields = fields


class SignOffDetailSerializer(SignOffSerializer):
    content_matches = serializers.BooleanField(
        read_only=True,
        help_text=(
            "Whether the entry is still exactly what was signed off: its content hash now "
            "equals the one recorded at sign-off."
        ),
    )

    class Meta(SignOffSerializer.Meta):
        fields = [*SignOffSerializer.Meta.fields, "content_matches"]
        read_only_fields = fields


class SignOffRequestSerializer(serializers.ModelSerializer):
    supervisor = PersonSerializer(read_only=True)

    class Meta:
        model = SignOffRequest
        fields = ["id", "supervisor", "requested_at", "outcome", "decided_at", "comment"]
        read_only_fields = fields
        extra_kwargs = {"comment": {"help_text": "The supervisor's comment on their decision."}}


class EventSerializer(serializers.ModelSerializer):
    """An entry as lists show it: everything but the reflection."""

    trainee = PersonSerializer(read_only=True)
    status = EnumField(choices=Status.choices, enum_name="EventStatusEnum", read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    items = serializers.SerializerMethodField(help_text="Ids of the curriculum items mapped.")
    evidence = EvidenceSerializer(many=True, read_only=True)
    sign_off = serializers.SerializerMethodField(
        help_text="The sign-off in force; null if there is none."
    )
    latest_request = serializers.SerializerMethodField(
        help_text="The most recent request for sign-off, with its outcome and comment."
    )

    class Meta:
        model = LearningEvent
        fields = [
            "id",
            "trainee",
            "kind",
            "title",
            "date",
            "time",
            "duration_minutes",
            "cpd_credits",
            "provider",
            "location",
            "description",
            "tags",
            "items",
            "reflection_shared",
            "status",
            "source",
            "external_id",
            "created_at",
            "updated_at",
            "sign_off",
            "latest_request",
            "evidence",
        ]
        read_only_fields = fields

    def get_items(self, event) -> list[int]:
        return [mapping.item_id for mapping in event.mappings.all()]

    @extend_schema_field(SignOffSerializer(allow_null=True))
    def get_sign_off(self, event):
        sign_off = selectors.current_sign_off(event)
        return SignOffSerializer(sign_off).data if sign_off else None

    @extend_schema_field(SignOffRequestSerializer(allow_null=True))
    def get_latest_request(self, event):
        request = next(iter(event.sign_off_requests.all()), None)
        return SignOffRequestSerializer(request).data if request else None


REFLECTION_FIELDS = ["reflection_what_happened", "reflection_learned", "reflection_next_time"]


class EventDetailSerializer(EventSerializer):
    """One entry in full. The reflection is present only for the trainee, and for their
    supervisors when the trainee has shared it."""

    reflection_what_happened = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )
    reflection_learned = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )
    reflection_next_time = serializers.CharField(
        required=False, help_text="Absent unless you may see the reflection."
    )

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, *REFLECTION_FIELDS]
        read_only_fields = [f for f in fields if f not in REFLECTION_FIELDS]

    @extend_schema_field(SignOffDetailSerializer(allow_null=True))
    def get_sign_off(self, event):
        sign_off = selectors.current_sign_off(event)
        if sign_off is None:
            return None
        # Recomputing the hash reads the entry's mappings again: one query, so only here,
        # never per row of a list.
        sign_off.content_matches = sign_off_matches(sign_off)
        return SignOffDetailSerializer(sign_off).data

    def to_representation(self, event):
        data = super().to_representation(event)
        if not selectors.can_see_reflection(self.context["request"].user, event):
            for name in REFLECTION_FIELDS:
                del data[name]
        return data


class WithdrawalSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="sign_off.event_id", read_only=True)
    status = serializers.CharField(
        source="sign_off.event.status",
        read_only=True,
        help_text="The entry's status now: back to draft, for the trainee to change.",
    )
    withdrawn_by = PersonSerializer(read_only=True)

    class Meta:
        model = SignOffWithdrawal
        fields = ["event", "status", "withdrawn_by", "reason", "withdrawn_at"]
        read_only_fields = fields


class QueuedEventSerializer(serializers.ModelSerializer):
    trainee = PersonSerializer(read_only=True)

    class Meta:
        model = LearningEvent
        fields = ["id", "trainee", "kind", "title", "date"]
        read_only_fields = fields


class QueuedRequestSerializer(serializers.ModelSerializer):
    event = QueuedEventSerializer(read_only=True)

    class Meta:
        model = SignOffRequest
        fields = ["id", "event", "requested_at"]
        read_only_fields = fields


# --- Input --------------------------------------------------------------------------------------


class EventInputSerializer(serializers.Serializer):
    """An entry's fields as written. PUT replaces the entry: fields left out take their
    defaults. PATCH changes only the fields sent."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    date = serializers.DateField()
    time = serializers.TimeField(allow_null=True, default=None)
    duration_minutes = serializers.IntegerField(min_value=1, allow_null=True, default=None)
    cpd_credits = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text="In quarter steps. Left out, one credit per hour of the duration.",
    )
    provider = serializers.CharField(max_length=200, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), default=list, help_text="Tag names."
    )
    items = serializers.ListField(
        child=serializers.IntegerField(),
        default=list,
        help_text="Ids of curriculum items of your programmes' frameworks.",
    )
    reflection_what_happened = serializers.CharField(allow_blank=True, default="")
    reflection_learned = serializers.CharField(allow_blank=True, default="")
    reflection_next_time = serializers.CharField(allow_blank=True, default="")
    reflection_shared = serializers.BooleanField(
        default=False, help_text="Share the reflection with your supervisors."
    )

    def validate_items(self, ids) -> list[Item]:
        items = list(Item.objects.filter(pk__in=ids))
        unknown = set(ids) - {item.pk for item in items}
        if unknown:
            raise serializers.ValidationError(
                f"No such curriculum item: {', '.join(map(str, sorted(unknown)))}."
            )
        return items


class EventCreateSerializer(EventInputSerializer):
    external_id = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text=(
            "Your system's id for this entry. Sending the same one again returns the entry "
            "already made (200) instead of making another."
        ),
    )


class MappingsSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of curriculum items of your programmes' frameworks; replaces the mappings.",
    )

    validate_items = EventInputSerializer.validate_items


class SubmitSerializer(serializers.Serializer):
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        help_text="The id of one of the trainee's current supervisors.",
        error_messages={"does_not_exist": "Not one of the trainee's current supervisors."},
    )

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainee is not None:
            # Only the trainee's own supervisors can be chosen, so an id cannot be used to
            # learn who else has an account.
            self.fields["supervisor"].queryset = account_selectors.current_supervisors(trainee)


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        allow_blank=True, help_text="What the trainee should change. Required."
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why. Required.")


class EvidenceFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Checked, and an image re-encoded, before storing.")
    title = serializers.CharField(max_length=200, allow_blank=True, default="")


class EvidenceLinkSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000, help_text="An http or https address.")
    title = serializers.CharField(max_length=200, allow_blank=True, default="")


# --- Learning events -----------------------------------------------------------------------------


class IdFilter(django_filters.Filter):
    """An object's id. Unknown ids match nothing rather than being refused, so that the
    answer does not tell whether someone else's object exists."""

    field_class = forms.IntegerField


class EventApiFilter(EventFilter):
    """The entries page's filters, and `trainee` for supervisors. `item` takes any item's id
    here: a supervisor filters by items of their trainees' curricula, not their own."""

    trainee = IdFilter(field_name="trainee", label="Whose entries: yours, or a supervisee's")
    item = IdFilter(field_name="mappings__item", label="Mapped to this curriculum item")

    class Meta(EventFilter.Meta):
        fields = [*EventFilter.Meta.fields, "trainee"]


def _with_summary(events):
    """Everything EventSerializer shows, in a fixed number of queries whatever the count."""
    return selectors.event_list(events).prefetch_related(
        "evidence",
        Prefetch("sign_offs", queryset=SignOff.objects.select_related("supervisor", "withdrawal")),
        Prefetch("sign_off_requests", queryset=SignOffRequest.objects.select_related("supervisor")),
    )


def _event_errors(*codes: int) -> dict:
    known = {400: INVALID, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
    return {code: known[code] for code in codes}


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(
        summary="Your entries, and your supervisees' entries that are not drafts",
        responses={200: EventSerializer(many=True), 400: INVALID, 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Log a learning event",
        request=EventCreateSerializer,
        responses={
            201: EventDetailSerializer,
            200: OpenApiResponse(
                EventDetailSerializer,
                description="An entry with this external_id already existed; it is returned as is.",
            ),
            **_event_errors(400, 401),
        },
    ),
    retrieve=extend_schema(
        summary="One entry in full",
        description=(
            "The reflection is included only for the trainee, and for their supervisors when "
            "the trainee has shared it; a supervisor's reading of it is recorded for the trainee."
        ),
        responses={200: EventDetailSerializer, **_event_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace an entry",
        request=EventInputSerializer,
        responses={200: EventDetailSerializer, **_event_errors(400, 401, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        summary="Change some of an entry's fields",
        request=EventInputSerializer,
        responses={200: EventDetailSerializer, **_event_errors(400, 401, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="Delete a draft never submitted for sign-off",
        responses={
            204: OpenApiResponse(description="Deleted, with its evidence."),
            **_event_errors(401, 403, 404, 409),
        },
    ),
)
class EventViewSet(viewsets.GenericViewSet):
    """Learning events. Lists and actions answer with an entry's summary (no reflection);
    reading, creating and changing one answer with all of it."""

    serializer_class = EventSerializer
    filterset_class = EventApiFilter
    # Only for the schema, which reads the model and the id's type from it; requests always
    # go through get_queryset or selectors.access_event, which hold what the caller may see.
    queryset = LearningEvent.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LearningEvent.objects.none()
        return _with_summary(selectors.events_visible_to(self.request.user))

    def get_object(self):
        return selectors.access_event(self.request.user, self.kwargs["pk"])

    def _summary(self, event, status_code=status.HTTP_200_OK):
        # Read back through what the caller may see, so an answer never shows more than a GET.
        event = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(event).data, status_code)

    def _detail(self, event, status_code=status.HTTP_200_OK):
        event = selectors.event_detail(event)
        user = self.request.user
        if user.pk != event.trainee_id and selectors.can_see_reflection(user, event):
            services.record_reflection_view(event=event, actor=user)
        data = EventDetailSerializer(event, context=self.get_serializer_context()).data
        return Response(data, status_code)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        serializer = EventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event, created = services.log_event(
            trainee=request.user, source=Source.API, **serializer.validated_data
        )
        return self._detail(event, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    def update(self, request, pk=None):
        return self._change(request, partial=False)

    def partial_update(self, request, pk=None):
        return self._change(request, partial=True)

    def _change(self, request, *, partial):
        event = self.get_object()
        serializer = EventInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        event = services.update_event(event=event, actor=request.user, **serializer.validated_data)
        return self._detail(event)

    def destroy(self, request, pk=None):
        event = self.get_object()
        services.delete_event(event=event, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- Sign-off ---

    @extend_schema(
        summary="Ask a supervisor to sign the entry off",
        request=SubmitSerializer,
        responses={200: EventSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        event = self.get_object()
        serializer = SubmitSerializer(data=request.data, trainee=event.trainee)
        serializer.is_valid(raise_exception=True)
        services.submit_for_sign_off(
            event=event, supervisor=serializer.validated_data["supervisor"], actor=request.user
        )
        return self._summary(event)

    @extend_schema(
        summary="Recall the request for sign-off, to change the entry again",
        request=None,
        responses={200: EventSerializer, **_event_errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        event = self.get_object()
        services.recall_request(event=event, actor=request.user)
        return self._summary(event)

    @extend_schema(
        summary="Sign the entry off (the supervisor asked)",
        request=ApproveSerializer,
        responses={200: EventSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        event = self.get_object()
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.approve(event=event, actor=request.user, **serializer.validated_data)
        return self._summary(event)

    @extend_schema(
        summary="Return the entry to the trainee with a comment (the supervisor asked)",
        request=ReturnSerializer,
        responses={200: EventSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        event = self.get_object()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.return_entry(event=event, actor=request.user, **serializer.validated_data)
        return self._summary(event)

    @extend_schema(
        summary="Withdraw the entry's sign-off",
        description=(
            "For the supervisor who signed it off. The entry goes back to draft, which only "
            "the trainee can see, so the answer is the withdrawal rather than the entry."
        ),
        request=WithdrawSerializer,
        responses={200: WithdrawalSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        event = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withdrawal = services.withdraw_sign_off(
            event=event, actor=request.user, **serializer.validated_data
        )
        return Response(WithdrawalSerializer(withdrawal).data)

    @extend_schema(
        summary="Replace the curriculum items the entry is mapped to",
        request=MappingsSerializer,
        responses={200: EventSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"])
    def mappings(self, request, pk=None):
        event = self.get_object()
        serializer = MappingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_mappings(
            event=event, actor=request.user, items=serializer.validated_data["items"]
        )
        return self._summary(event)

    # --- Evidence ---

    @extend_schema(
        methods=["GET"],
        summary="The entry's evidence",
        responses={200: EvidenceSerializer(many=True), **_event_errors(401, 404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a file (multipart) or a link (JSON) as evidence",
        request={
            "multipart/form-data": EvidenceFileSerializer,
            "application/json": EvidenceLinkSerializer,
        },
        responses={201: EvidenceSerializer, **_event_errors(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.JSONParser],
        filter_backends=[],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        event = self.get_object()
        if request.method == "GET":
            return Response(EvidenceSerializer(selectors.evidence_of(event), many=True).data)
        if "file" in request.data and "url" in request.data:
            raise serializers.ValidationError("Send a file or a link, not both.")
        is_link = "url" in request.data
        serializer = (EvidenceLinkSerializer if is_link else EvidenceFileSerializer)(
            data=request.data
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if is_link:
            evidence = services.add_link_evidence(
                event=event, actor=request.user, url=data["url"], title=data["title"]
            )
        else:
            evidence = services.add_file_evidence(
                event=event, actor=request.user, uploaded_file=data["file"], title=data["title"]
            )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["evidence"])
@extend_schema_view(
    retrieve=extend_schema(
        summary="One piece of evidence",
        responses={200: EvidenceSerializer, 401: UNAUTHENTICATED, 404: EVIDENCE_NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Remove evidence from an entry you can still change",
        responses={
            204: OpenApiResponse(description="Removed; the file goes with it."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: EVIDENCE_NOT_FOUND,
            409: CONFLICT,
        },
    ),
)
class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence of entries the caller can see."""

    serializer_class = EvidenceSerializer
    # Only for the schema; requests go through selectors.access_evidence.
    queryset = Evidence.objects.none()

    def get_object(self):
        return selectors.access_evidence(self.request.user, self.kwargs["pk"])

    def destroy(self, request, pk=None):
        evidence = self.get_object()
        services.remove_evidence(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_content_negotiation(self, request, force=False):
        # A download answers with the file's own type whatever the client says it accepts;
        # only its errors are rendered, and those as JSON.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        summary="Download the file",
        description=(
            "Always an attachment, with the type recorded when it was checked on upload, "
            "never sniffed, and never cached by shared caches."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file."
            ),
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer, description="No such file, or not one you can see; or a link."
            ),
        },
    )
    @action(detail=True)
    def download(self, request, pk=None):
        evidence = self.get_object()
        if not evidence.file:
            raise Http404("This evidence is a link, not a file.")
        return file_response(evidence)


@extend_schema(tags=["sign-off"])
@extend_schema_view(
    list=extend_schema(
        summary="Requests for sign-off waiting for you",
        description="Open requests addressed to you by trainees you still supervise; oldest first.",
        responses={200: QueuedRequestSerializer(many=True), 401: UNAUTHENTICATED},
    ),
)
class SignOffRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = QueuedRequestSerializer
    queryset = SignOffRequest.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SignOffRequest.objects.none()
        return selectors.sign_off_queue(self.request.user)


# --- Coverage -----------------------------------------------------------------------------------


class RequirementSerializer(serializers.Serializer):
    min_entries = serializers.IntegerField()
    signed_off_required = serializers.BooleanField()


class CoverageRowSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    code = serializers.CharField(source="item.code")
    title = serializers.CharField(source="item.title")
    parent = serializers.IntegerField(source="item.parent_id", allow_null=True)
    depth = serializers.IntegerField()
    mapped = serializers.IntegerField(help_text="Entries mapped to this item.")
    signed_off = serializers.IntegerField(help_text="Of those, entries signed off.")
    requirement = RequirementSerializer(allow_null=True)
    status = serializers.ChoiceField(
        choices=[coverage.MET, coverage.PARTLY, coverage.NOT_STARTED],
        allow_null=True,
        help_text="met, partly or not_started; for a parent, the roll-up of those under it.",
    )


@extend_schema(tags=["curriculum"])
class ProgrammeCoverageViewSet(viewsets.GenericViewSet):
    """A trainee's coverage of a programme, at /programmes/{id}/coverage/ beside the
    programme itself (curriculum's ProgrammeViewSet), which knows nothing of entries."""

    # Only for the schema, which reads the id's type from it; requests go through
    # curriculum_selectors.access_trainee_programme.
    queryset = Programme.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "trainee", int, description="Whose coverage; the caller's own by default."
            ),
        ],
        responses=CoverageRowSerializer(many=True),
    )
    @action(detail=True, pagination_class=None)
    def coverage(self, request, pk=None):
        """Every item of the programme with the trainee's entry counts and requirement status,
        flattened in tree order."""
        trainee_id = request.query_params.get("trainee", request.user.pk)
        try:
            trainee_id = int(trainee_id)
        except ValueError:
            raise serializers.ValidationError({"trainee": "A user id is a whole number."}) from None
        trainee, programme = curriculum_selectors.access_trainee_programme(
            request.user, trainee_id, int(pk)
        )
        rows = coverage.coverage(trainee=trainee, programme=programme)
        return Response(
            CoverageRowSerializer(list(curriculum_selectors.walk(rows)), many=True).data
        )
