"""API for teaching: an organisation's admins create and read its programmes and sessions
and mark registers; a trainee checks in with the code shown during the session.

Writes go through teaching.services, as for the pages, after the same access helpers: a
session of an organisation the caller does not administer is not found (404), and what the
service refuses is answered in the one error format (400 with `error.fields`)."""

import django_filters
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

from accounts.models import Organisation, User
from accounts.selectors import organisations_administered_by
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, VisibleToCaller
from teaching import selectors, services
from teaching.models import SESSION_MINUTES, Attendance, TeachingProgramme, TeachingSession

PROGRAMME_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such programme of an organisation you administer."
)
SESSION_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such session of an organisation you administer."
)
CHECK_IN_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The code was refused, under `error.fields.code`: not six digits, no session of "
        "yours running now has it, check-in is closed, or too many wrong codes were tried "
        "(then every code is refused for 15 minutes)."
    ),
)


# --- Output --------------------------------------------------------------------------------------


class TeachingProgrammeSerializer(serializers.ModelSerializer):
    session_count = serializers.IntegerField(read_only=True, help_text="How many sessions.")

    class Meta:
        model = TeachingProgramme
        fields = ["id", "organisation", "slug", "name", "session_count"]
        read_only_fields = fields
        extra_kwargs = {"slug": {"help_text": "Attendance badge rules name the programme by it."}}


class TeachingSessionSerializer(serializers.ModelSerializer):
    attended = serializers.IntegerField(read_only=True, help_text="How many attended.")
    check_in_opens = serializers.SerializerMethodField(help_text="When the code starts working.")
    check_in_closes = serializers.SerializerMethodField(help_text="When the code stops working.")

    class Meta:
        model = TeachingSession
        fields = [
            "id",
            "programme",
            "title",
            "starts_at",
            "duration_minutes",
            "mandatory",
            "location",
            "check_in_code",
            "check_in_opens",
            "check_in_closes",
            "attended",
        ]
        read_only_fields = fields
        extra_kwargs = {"check_in_code": {"help_text": "The code trainees check in with."}}

    @extend_schema_field(serializers.DateTimeField())
    def get_check_in_opens(self, session):
        return serializers.DateTimeField().to_representation(session.check_in_window[0])

    @extend_schema_field(serializers.DateTimeField())
    def get_check_in_closes(self, session):
        return serializers.DateTimeField().to_representation(session.check_in_window[1])


class SessionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = TeachingSession
        fields = ["id", "programme", "title", "starts_at", "duration_minutes", "location"]
        read_only_fields = fields


class AttendanceSerializer(serializers.ModelSerializer):
    session = SessionSummarySerializer(read_only=True)
    # The API's word for a learning entry is "event", as in its paths (/events/).
    event = serializers.PrimaryKeyRelatedField(
        source="entry",
        read_only=True,
        help_text="The learning entry attending logged in the portfolio.",
    )

    class Meta:
        model = Attendance
        fields = ["id", "session", "trainee", "method", "recorded_at", "event"]
        read_only_fields = fields


# --- Input ---------------------------------------------------------------------------------------


class NewProgrammeSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        help_text="The id of an organisation you administer.",
    )
    name = serializers.CharField(max_length=200, help_text="For example “FY1 teaching 2026–27”.")
    slug = serializers.SlugField(
        max_length=80,
        help_text="Lower-case letters, digits and hyphens, unique across Waymark. Attendance "
        "badge rules name the programme by it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is generated
        if request is not None:
            self.fields["organisation"].queryset = organisations_administered_by(request.user)


class NewSessionSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(
        queryset=TeachingProgramme.objects.none(),
        help_text="The id of a teaching programme of an organisation you administer.",
    )
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField(
        help_text="With an offset, or else in the site's own time zone."
    )
    duration_minutes = serializers.IntegerField(
        min_value=SESSION_MINUTES[0], max_value=SESSION_MINUTES[1], default=60
    )
    mandatory = serializers.BooleanField(default=False, help_text="Mandatory for trainees.")
    location = serializers.CharField(max_length=200, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["programme"].queryset = selectors.teaching_programmes_visible_to(
                request.user
            )


class RegisterSerializer(serializers.Serializer):
    trainees = serializers.PrimaryKeyRelatedField(
        many=True,
        allow_empty=False,
        queryset=User.objects.all(),
        help_text="Ids of the trainees who were there; each must be a trainee of the organisation.",
    )


# Six digits, perhaps spaced out ("042 917"); checked by teaching.services.check_in.
@extend_schema_field({"type": "string", "pattern": r"^\s*([0-9]\s*){6}$", "maxLength": 12})
class CheckInCodeField(serializers.CharField):
    pass


class CheckInSerializer(serializers.Serializer):
    code = CheckInCodeField(
        max_length=12, help_text="The 6-digit code shown during the session; spaces are ignored."
    )


# --- Views ---------------------------------------------------------------------------------------


@extend_schema(tags=["teaching"])
@extend_schema_view(
    list=extend_schema(
        summary="Teaching programmes of the organisations you administer",
        responses={200: TeachingProgrammeSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One teaching programme",
        responses={
            200: TeachingProgrammeSerializer,
            401: UNAUTHENTICATED,
            404: PROGRAMME_NOT_FOUND,
        },
    ),
)
class TeachingProgrammeViewSet(VisibleToCaller, viewsets.ReadOnlyModelViewSet):
    serializer_class = TeachingProgrammeSerializer
    queryset = TeachingProgramme.objects.none()
    # Setting up an organisation's teaching is done by its admins in person: no scope opens
    # it to apps.
    oauth_scopes = {"read": "entries:read"}

    def visible_to(self, user):
        return selectors.teaching_programmes_visible_to(user)

    @extend_schema(
        summary="Create a teaching programme",
        description="For an organisation you administer. Sessions are added to it at "
        "/teaching-sessions/.",
        request=NewProgrammeSerializer,
        responses={201: TeachingProgrammeSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "FY1 teaching",
                value={"organisation": 1, "name": "FY1 teaching 2026–27", "slug": "fy1-2026"},
                request_only=True,
            )
        ],
    )
    def create(self, request):
        given = NewProgrammeSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        programme = services.create_teaching_programme(actor=request.user, **given.validated_data)
        created = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class SessionFilter(django_filters.FilterSet):
    # A number, not a choice of programmes: whether another organisation's programme exists
    # is not the caller's to learn.
    programme = django_filters.NumberFilter(field_name="programme", label="Only this programme's")

    class Meta:
        model = TeachingSession
        fields = ["programme"]


@extend_schema(tags=["teaching"])
@extend_schema_view(
    list=extend_schema(
        summary="Teaching sessions of the organisations you administer, latest first",
        responses={200: TeachingSessionSerializer(many=True), 401: UNAUTHENTICATED},
    ),
    retrieve=extend_schema(
        summary="One teaching session, with its check-in code and window",
        responses={
            200: TeachingSessionSerializer,
            401: UNAUTHENTICATED,
            404: SESSION_NOT_FOUND,
        },
    ),
)
class TeachingSessionViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TeachingSessionSerializer
    filterset_class = SessionFilter
    queryset = TeachingSession.objects.none()
    # Registers and check-ins make learning entries. Sessions are set up by the
    # organisation's admins in person, as its programmes are: closed to apps.
    oauth_scopes = {"read": "entries:read", "write": "entries:write", "create": None}

    def visible_to(self, user):
        return selectors.teaching_sessions_visible_to(user)

    @extend_schema(
        summary="Create a session of a teaching programme",
        description="For a programme of an organisation you administer. The session gets a "
        "fresh check-in code, shown in the answer.",
        request=NewSessionSerializer,
        responses={201: TeachingSessionSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        examples=[
            OpenApiExample(
                "A lunchtime session",
                value={
                    "programme": 1,
                    "title": "Sepsis: the first hour",
                    "starts_at": "2026-11-10T12:30:00+00:00",
                    "duration_minutes": 60,
                    "mandatory": True,
                    "location": "Education centre, room 2",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request):
        given = NewSessionSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        session = services.create_teaching_session(actor=request.user, **given.validated_data)
        created = self.get_queryset().get(pk=session.pk)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        session = selectors.access_teaching_session_for_admin(request.user, pk)
        return Response(self.get_serializer(session).data)

    @extend_schema(
        summary="Mark trainees present on the session's register",
        description="All or none: each must be a trainee of the organisation running the "
        "session. Anyone already recorded stays recorded once. Answers with the attendance "
        "of each trainee sent.",
        request=RegisterSerializer,
        responses={
            200: AttendanceSerializer(many=True),
            400: INVALID,
            401: UNAUTHENTICATED,
            404: SESSION_NOT_FOUND,
        },
    )
    # The register takes no filters and is not paged, whatever the session list does.
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def register(self, request, pk=None):
        session = selectors.access_teaching_session_for_admin(request.user, pk)
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.mark_register(
            session=session, trainees=serializer.validated_data["trainees"], actor=request.user
        )
        return Response(AttendanceSerializer(marked, many=True).data)

    @extend_schema(
        summary="Check yourself in to the session running now, with its code",
        description="For trainees: the session is the one of your organisations running now "
        "with that code. Attending logs the session in your entries; checking in twice "
        "records it once.",
        request=CheckInSerializer,
        responses={
            201: AttendanceSerializer,
            400: CHECK_IN_REFUSED,
            401: UNAUTHENTICATED,
        },
    )
    @action(detail=False, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request):
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendance = services.check_in(
            trainee=request.user, actor=request.user, code=serializer.validated_data["code"]
        )
        return Response(AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED)
