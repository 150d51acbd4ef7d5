"""/entries/: learning entries. Logging, reading, changing, deleting and mapping an entry are
here; its sign-off and evidence actions are written beside their serializers and joined
in here."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VisibleToCaller
from portfolio import selectors, services
from portfolio.api.entries import (
    EntryApiFilter,
    EntryCreateSerializer,
    EntryDetailSerializer,
    EntryInputSerializer,
    EntryPages,
    EntrySerializer,
    MappingsSerializer,
    PersonSerializer,
    listed,
    summarised,
)
from portfolio.api.evidence import EvidenceActions
from portfolio.api.schema import INVALID, UNAUTHENTICATED, entry_errors, entry_write_errors
from portfolio.api.sign_off import SignOffActions
from portfolio.models import LearningEntry, ReflectionView, Source


class ReflectionReadSerializer(serializers.ModelSerializer):
    reader = PersonSerializer(source="viewer", read_only=True)
    read_at = serializers.DateTimeField(
        source="viewed_at", read_only=True, help_text="Their latest reading."
    )

    class Meta:
        model = ReflectionView
        fields = ["reader", "read_at"]
        read_only_fields = fields


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(
        summary="Your entries, and your supervisees' entries that are not drafts",
        responses={200: EntrySerializer(many=True), 400: INVALID, 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Log a learning entry",
        description=(
            "A reflection that looks as if it may identify a patient is refused (400) until "
            "the request confirms with `identifiers_checked: true`, as the entry's page asks."
        ),
        request=EntryCreateSerializer,
        examples=[
            OpenApiExample(
                "A reflection checked for patient identifiers",
                request_only=True,
                value={
                    "kind": "teaching_attended",
                    "title": "Sepsis teaching",
                    "date": "2026-11-02",
                    "duration_minutes": 60,
                    "reflection_learned": "Lactate early; escalate sooner.",
                    "identifiers_checked": True,
                },
            )
        ],
        responses={
            201: EntryDetailSerializer,
            200: OpenApiResponse(
                EntryDetailSerializer,
                description="An entry with this external_id already existed; it is returned as is.",
            ),
            **entry_write_errors(400, 401),
        },
    ),
    retrieve=extend_schema(
        summary="One entry in full",
        description=(
            "The reflection is included only for the trainee, and for their supervisors when "
            "the trainee has shared it; a supervisor's reading of it is recorded for the trainee."
        ),
        responses={200: EntryDetailSerializer, **entry_errors(401, 404)},
    ),
    update=extend_schema(
        summary="Replace an entry",
        description=(
            "The reflection, as sent, is checked for what may identify a patient: see "
            "`identifiers_checked`."
        ),
        request=EntryInputSerializer,
        responses={200: EntryDetailSerializer, **entry_write_errors(400, 401, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        summary="Change some of an entry's fields",
        description=(
            "Reflection fields sent are checked for what may identify a patient (see "
            "`identifiers_checked`); a reflection not sent is not checked again."
        ),
        request=EntryInputSerializer,
        responses={200: EntryDetailSerializer, **entry_write_errors(400, 401, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="Delete a draft never submitted for sign-off",
        responses={
            204: OpenApiResponse(description="Deleted, with its evidence."),
            **entry_errors(401, 403, 404, 409),
        },
    ),
)
class EntryViewSet(VisibleToCaller, SignOffActions, EvidenceActions, viewsets.GenericViewSet):
    """Learning entries. Lists and actions answer with an entry's summary (no reflection);
    reading, creating and changing one answer with all of it."""

    serializer_class = EntrySerializer
    filterset_class = EntryApiFilter
    pagination_class = EntryPages
    # Only for the schema, which reads the model and the id's type from it; requests always
    # go through get_queryset or selectors.access_entry, which hold what the caller may see.
    queryset = LearningEntry.objects.none()
    # Sign-off actions change entries too: writes all need entries:write.
    oauth_scopes = {"read": "entries:read", "write": "entries:write"}

    def visible_to(self, user):
        return selectors.entries_visible_to(user)

    def get_object(self):
        return selectors.access_entry(self.request.user, self.kwargs["pk"])

    def _summary(self, entry, status_code=status.HTTP_200_OK):
        # Read back through what the caller may see, so an answer never shows more than a GET.
        (entry,) = summarised(self.get_queryset().filter(pk=entry.pk))
        return Response(self.get_serializer(entry).data, status_code)

    def _detail(self, entry, status_code=status.HTTP_200_OK):
        entry = listed(selectors.entry_detail(entry))
        user = self.request.user
        if user.pk != entry.trainee_id and selectors.can_see_reflection(user, entry):
            services.record_reflection_view(entry=entry, actor=user)
        data = EntryDetailSerializer(entry, context=self.get_serializer_context()).data
        return Response(data, status_code)

    def list(self, request):
        # The pages read each row's summary themselves (EntryPages), once they know which.
        entries = self.filter_queryset(selectors.entries_listed_for(request.user))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        serializer = EntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry, created = services.log_entry(
            actor=request.user, trainee=request.user, source=Source.API, **serializer.validated_data
        )
        return self._detail(entry, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    def update(self, request, pk=None):
        return self._change(request, partial=False)

    def partial_update(self, request, pk=None):
        return self._change(request, partial=True)

    def _change(self, request, *, partial):
        entry = self.get_object()
        serializer = EntryInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        entry = services.update_entry(entry=entry, actor=request.user, **serializer.validated_data)
        return self._detail(entry)

    def destroy(self, request, pk=None):
        entry = self.get_object()
        services.delete_entry(entry=entry, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Replace the curriculum items the entry is mapped to",
        request=MappingsSerializer,
        responses={200: EntrySerializer, **entry_errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"])
    def mappings(self, request, pk=None):
        entry = self.get_object()
        serializer = MappingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_mappings(
            entry=entry, actor=request.user, items=serializer.validated_data["items"]
        )
        return self._summary(entry)

    @extend_schema(
        summary="Who has read your shared reflection, and when",
        description=(
            "For the trainee alone, as the entry's page shows it: each supervisor who read "
            "the reflection while it was shared, once, at their latest reading, latest "
            "first. Reading an entry with its reflection (GET /events/{id}/) as anyone but "
            "the trainee is what adds to it. Others, the trainee's supervisors included, "
            "find no such log (404)."
        ),
        responses={200: ReflectionReadSerializer(many=True), **entry_errors(401, 404)},
    )
    @action(
        detail=True,
        url_path="reflection-reads",
        url_name="reflection-reads",
        filter_backends=[],
        pagination_class=None,
    )
    def reflection_reads(self, request, pk=None):
        entry = selectors.access_own_entry(request.user, pk)
        reads = selectors.reflection_views_of(entry)
        return Response(ReflectionReadSerializer(reads, many=True).data)
