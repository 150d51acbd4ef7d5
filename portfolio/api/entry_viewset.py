"""/entries/: learning entries. Logging, reading, changing, deleting and mapping an entry are
here; its sign-off and evidence actions are written beside their serializers and joined
in here."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VisibleToCaller
from portfolio import selectors, services
from portfolio.api.entries import (
    EntryApiFilter,
    EntryCreateSerializer,
    EntryDetailSerializer,
    EntryInputSerializer,
    EntrySerializer,
    MappingsSerializer,
    with_summary,
)
from portfolio.api.evidence import EvidenceActions
from portfolio.api.schema import INVALID, UNAUTHENTICATED, entry_errors
from portfolio.api.sign_off import SignOffActions
from portfolio.models import LearningEntry, Source


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(
        summary="Your entries, and your supervisees' entries that are not drafts",
        responses={200: EntrySerializer(many=True), 400: INVALID, 401: UNAUTHENTICATED},
    ),
    create=extend_schema(
        summary="Log a learning entry",
        request=EntryCreateSerializer,
        responses={
            201: EntryDetailSerializer,
            200: OpenApiResponse(
                EntryDetailSerializer,
                description="An entry with this external_id already existed; it is returned as is.",
            ),
            **entry_errors(400, 401),
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
        request=EntryInputSerializer,
        responses={200: EntryDetailSerializer, **entry_errors(400, 401, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        summary="Change some of an entry's fields",
        request=EntryInputSerializer,
        responses={200: EntryDetailSerializer, **entry_errors(400, 401, 403, 404, 409)},
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
    # Only for the schema, which reads the model and the id's type from it; requests always
    # go through get_queryset or selectors.access_entry, which hold what the caller may see.
    queryset = LearningEntry.objects.none()
    # Sign-off actions change entries too: writes all need entries:write.
    oauth_scopes = {"read": "entries:read", "write": "entries:write"}

    def visible_to(self, user):
        return with_summary(selectors.entries_visible_to(user))

    def get_object(self):
        return selectors.access_entry(self.request.user, self.kwargs["pk"])

    def _summary(self, entry, status_code=status.HTTP_200_OK):
        # Read back through what the caller may see, so an answer never shows more than a GET.
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(entry).data, status_code)

    def _detail(self, entry, status_code=status.HTTP_200_OK):
        entry = selectors.entry_detail(entry)
        user = self.request.user
        if user.pk != entry.trainee_id and selectors.can_see_reflection(user, entry):
            services.record_reflection_view(entry=entry, actor=user)
        data = EntryDetailSerializer(entry, context=self.get_serializer_context()).data
        return Response(data, status_code)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
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
