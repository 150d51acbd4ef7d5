"""Programmes: read by the people in them (/programmes/), created and changed by the admins
of the programme's organisation, through curriculum.services as on the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.models import Organisation
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, SlugRelatedField, VisibleToCaller
from curriculum import selectors, services
from curriculum.models import Framework, Programme

NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No such programme among those you are enrolled in, administer, or "
    "supervise a trainee in.",
)
NOT_AN_ADMIN = OpenApiResponse(
    ErrorSerializer,
    description="You see the programme but do not administer its organisation (a trainee "
    "or a supervisor in it), or an app's OAuth token: programmes are managed by their "
    "organisation's admins in person.",
)


class ProgrammeSerializer(serializers.ModelSerializer):
    organisation = SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "name", "organisation", "frameworks", "start_date", "end_date"]


class ProgrammeChangeSerializer(serializers.Serializer):
    """A programme's fields as the programme form has them. PATCH changes only those sent."""

    name = serializers.CharField(
        max_length=200, help_text="For example “Foundation Year 1, August 2026”."
    )
    frameworks = serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=Framework.objects.all(),
        help_text="Ids of the curricula the programme maps learning to (/frameworks/).",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(
        allow_null=True, default=None, help_text="Null while it has no planned end."
    )


class ProgrammeCreateSerializer(ProgrammeChangeSerializer):
    organisation = SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        help_text="The slug of an organisation you administer.",
        error_messages={"does_not_exist": "Not an organisation you administer."},
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


@extend_schema(tags=["curriculum"])
@extend_schema_view(
    list=extend_schema(
        summary="Programmes you are enrolled in, administer, or supervise a trainee in",
        responses={200: ProgrammeSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One programme",
        responses={200: ProgrammeSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Create a programme (organisation admins)",
        description="As the new-programme page. Then enrol trainees (/programmes/{id}/"
        "enrolments/) and set what it requires (/programmes/{id}/requirements/).",
        request=ProgrammeCreateSerializer,
        responses={
            201: ProgrammeSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="An app's OAuth token: programmes are created by organisation "
                "admins in person.",
            ),
        },
        examples=[
            OpenApiExample(
                "Foundation Year 1",
                value={
                    "organisation": "st-elsewhere",
                    "name": "Foundation Year 1, August 2026",
                    "frameworks": [1],
                    "start_date": "2026-08-05",
                    "end_date": "2027-08-03",
                },
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change a programme (admins of its organisation)",
        description="As the programme's edit page; fields left out keep their value. A "
        "framework whose items the programme still requires cannot be dropped (remove those "
        "requirements first), and the end cannot be before the start.",
        request=ProgrammeChangeSerializer,
        responses={
            200: ProgrammeSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: NOT_AN_ADMIN,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample("A planned end", value={"end_date": "2027-08-03"}, request_only=True)
        ],
    ),
)
class ProgrammeViewSet(VisibleToCaller, viewsets.ReadOnlyModelViewSet):
    """Programmes the caller is enrolled in, administers, or supervises a trainee in."""

    serializer_class = ProgrammeSerializer
    queryset = Programme.objects.none()
    # Apps read programmes with the profile scope; managing them is for organisation admins
    # in person (no write scope).
    oauth_scopes = {"read": "profile"}

    def visible_to(self, user):
        return selectors.programmes_visible_to(user).order_by("pk")

    def create(self, request):
        serializer = ProgrammeCreateSerializer(
            data=request.data,
            organisations=account_selectors.organisations_administered_by(request.user),
        )
        serializer.is_valid(raise_exception=True)
        programme = services.create_programme(actor=request.user, **serializer.validated_data)
        return self._answer(programme, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        programme = selectors.access_programme_to_manage(request.user, pk)
        serializer = ProgrammeChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {
            "name": programme.name,
            "frameworks": list(programme.frameworks.all()),
            "start_date": programme.start_date,
            "end_date": programme.end_date,
            **serializer.validated_data,
        }
        programme = services.update_programme(actor=request.user, programme=programme, **fields)
        return self._answer(programme)

    def _answer(self, programme, status_code=status.HTTP_200_OK):
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(programme).data, status_code)


# --- What sits under /programmes/{programme_id}/ ---------------------------------------------

PROGRAMME_ID = OpenApiParameter(
    "programme_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The programme's id."
)


def management_errors(not_found: str | None = None, *, invalid=False) -> dict:
    """The errors of an operation on what a programme holds; `not_found` describes the object
    in the path when there is one besides the programme."""
    errors = {401: UNAUTHENTICATED, 403: NOT_AN_ADMIN}
    if invalid:
        errors[400] = INVALID
    errors[404] = (
        NOT_FOUND
        if not_found is None
        else OpenApiResponse(ErrorSerializer, description=f"{not_found}, or no such programme.")
    )
    return errors


# For a viewset under /programmes/{programme_id}/: the programme, fetched once per request for
# the admins of its organisation. Its objects' ids are whole numbers; anything else names
# nothing. (No docstring: the schema would show it for each viewset.)
class ProgrammeManagement(VisibleToCaller):
    lookup_value_regex = "[0-9]+"

    def programme(self) -> Programme:
        if not hasattr(self, "_programme"):
            self._programme = selectors.access_programme_to_manage(
                self.request.user, self.kwargs["programme_id"]
            )
        return self._programme
