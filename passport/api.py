"""API for the mandatory-training passport: /passport/ (the caller's own passport), and for
an organisation's admins /organisations/{slug}/passport/acceptances/ (what it accepts for
each subject) and /organisations/{slug}/passport/compliance/ (its trainees against what it
requires, a page at a time).

The same selectors and services as the pages: another organisation's admin finds no such
organisation (404). Admins change what they accept, and read their trainees' compliance, in
person: those are closed to apps connected through OAuth."""

from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors as account_selectors
from core.api import INVALID, ErrorSerializer, IdField, NamedChoiceField
from core.api_scopes import declare_scopes
from passport import selectors, services
from passport.models import Acceptance, Subject
from passport.standing import STATUS_LABELS

ORGANISATION_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No organisation you administer has this slug."
)
ACCEPTANCE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No organisation you administer has this slug, or it has no such acceptance.",
)
SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The organisation's slug, as in its pages."
)

# --- What meets a subject ------------------------------------------------------------------


class PassportCredentialSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField(help_text="`award` on this Waymark, or `external`.")
    id = serializers.SerializerMethodField(
        help_text="The award's id (/awards/{id}/) or the badge issued elsewhere's."
    )
    name = serializers.CharField()
    issuer = serializers.CharField()
    issued_on = serializers.DateField()
    expires = serializers.DateField(allow_null=True)

    def get_kind(self, credential) -> str:
        return credential.ref.partition(":")[0]

    def get_id(self, credential) -> int:
        return int(credential.ref.partition(":")[2])


class SubjectStandingSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="The subject's code.")
    title = serializers.CharField(help_text="The subject's title.")
    status = NamedChoiceField(schema_name="PassportStatus", choices=list(STATUS_LABELS.items()))
    credential = PassportCredentialSerializer(
        source="match.credential", allow_null=True, help_text="What meets it; null if nothing."
    )
    valid_until = serializers.DateField(
        source="match.valid_until",
        allow_null=True,
        help_text="The first day it no longer counts; null when met for good or not met.",
    )


class _NoMatch:
    credential = None
    valid_until = None


def _as_match(standing):
    return standing.match or _NoMatch()


def _standing(row) -> dict:
    return {
        "subject": row.subject.code,
        "title": row.subject.title,
        "status": row.standing.status,
        "match": _as_match(row.standing),
    }


class PassportSubjectSerializer(SubjectStandingSerializer):
    accepted_by = serializers.ListField(
        child=serializers.SlugField(),
        help_text="The slugs of your organisations at which the credential counts today.",
    )


class PassportOrganisationSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="The organisation's slug.")
    organisation_name = serializers.CharField()
    joined = serializers.DateField(help_text="When you became its trainee.")
    new = serializers.BooleanField(help_text="Joined within the last 30 days.")
    required = serializers.IntegerField(help_text="How many subjects it requires.")
    covered = serializers.IntegerField(help_text="How many of those what you hold meets.")
    subjects = SubjectStandingSerializer(many=True)


class PassportSerializer(serializers.Serializer):
    today = serializers.DateField()
    subjects = PassportSubjectSerializer(many=True)
    organisations = PassportOrganisationSerializer(many=True)


def passport_data(passport) -> dict:
    return {
        "today": passport.today,
        "subjects": [
            {**_standing(row), "accepted_by": [o.slug for o in row.organisations]}
            for row in passport.rows
        ],
        "organisations": [
            {
                "organisation": section.organisation.slug,
                "organisation_name": section.organisation.name,
                "joined": section.joined,
                "new": section.is_new,
                "required": section.required,
                "covered": section.covered,
                "subjects": [_standing(row) for row in section.rows],
            }
            for section in passport.sections
        ],
    }


@extend_schema(
    tags=["passport"],
    summary="Your mandatory-training passport",
    description=(
        "Every core UK CSTF subject (and any other one of your organisations requires): "
        "whether something you hold meets it, which credential, from which issuer, until when, "
        "and which of your organisations accept it. Then, for each organisation where you are "
        "a trainee (those joined in the last 30 days first), what it requires and how much of "
        "that is covered."
    ),
    responses={200: PassportSerializer},
)
@declare_scopes(read="badges:read")
@api_view(["GET"])
def passport(request):
    found = selectors.passport_of(request.user, today=timezone.localdate())
    return Response(PassportSerializer(passport_data(found)).data)


# --- What an organisation accepts -----------------------------------------------------------


class AcceptanceSerializer(serializers.ModelSerializer):
    subject = serializers.SlugRelatedField(
        slug_field="code", queryset=Subject.objects.all(), help_text="The subject's code."
    )
    badge_class = IdField(
        source="badge_class_id",
        required=False,
        allow_null=True,
        help_text="An active badge class on this Waymark; or leave it out and name an "
        "achievement issued elsewhere.",
    )
    label = serializers.CharField(read_only=True, help_text="What is accepted, in words.")
    months = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="How long a completion counts: max_age_months, else the subject's refresher "
        "period; null for no limit.",
    )
    max_age_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=services.MAX_AGE_LIMIT
    )

    class Meta:
        model = Acceptance
        fields = [
            "id",
            "subject",
            "badge_class",
            "issuer_uri",
            "achievement_uri",
            "name",
            "label",
            "max_age_months",
            "months",
            "created_at",
        ]
        read_only_fields = ["id", "label", "months", "created_at"]
        extra_kwargs = {
            "issuer_uri": {"help_text": "For an achievement issued elsewhere: its issuer's id."},
            "achievement_uri": {"help_text": "For an achievement issued elsewhere: its id."},
            "name": {"help_text": "For an achievement issued elsewhere: its name to show."},
        }


@extend_schema(tags=["passport"], parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="What your organisation accepts for each mandatory-training subject",
        responses={200: AcceptanceSerializer(many=True), 404: ORGANISATION_NOT_FOUND},
    ),
    create=extend_schema(
        summary="Accept a badge for a subject",
        description=(
            "A badge class on this Waymark (`badge_class`), or an achievement issued elsewhere "
            "(`issuer_uri`, `achievement_uri` and `name`). Accepting the same one again for the "
            "subject changes its `max_age_months`."
        ),
        responses={
            201: AcceptanceSerializer,
            400: INVALID,
            404: ORGANISATION_NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "A badge class",
                request_only=True,
                value={"subject": "CSTF-IG", "badge_class": 1, "max_age_months": 12},
            ),
            OpenApiExample(
                "Issued elsewhere",
                request_only=True,
                value={
                    "subject": "CSTF-FIRE",
                    "issuer_uri": "https://learning.example/issuer",
                    "achievement_uri": "https://learning.example/badges/fire-safety",
                    "name": "Fire safety (e-learning)",
                },
            ),
        ],
    ),
    destroy=extend_schema(
        summary="Stop accepting it",
        responses={204: None, 404: ACCEPTANCE_NOT_FOUND},
    ),
)
class AcceptanceViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AcceptanceSerializer
    queryset = Acceptance.objects.none()
    lookup_value_regex = "[0-9]+"
    pagination_class = None
    # An organisation's settings, readable as review requirements are; changed in person.
    oauth_scopes = {"read": "profile"}

    def organisation(self):
        return account_selectors.access_organisation_for_admin(
            self.request.user, self.kwargs["slug"]
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.acceptances_of(self.organisation())

    def get_object(self):
        return selectors.access_acceptance(self.organisation(), self.kwargs["pk"])

    def create(self, request, slug=None):
        organisation = self.organisation()
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        badge_class = None
        if (badge_class_id := data.pop("badge_class_id", None)) is not None:
            badge_class = selectors.acceptable_badge_classes().filter(pk=badge_class_id).first()
            if badge_class is None:
                raise serializers.ValidationError(
                    {"badge_class": "No active badge class on this Waymark has this id."}
                )
        acceptance = services.accept(
            actor=request.user, organisation=organisation, badge_class=badge_class, **data
        )
        return Response(self.get_serializer(acceptance).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.remove_acceptance(actor=self.request.user, acceptance=instance)


# --- Compliance -----------------------------------------------------------------------------


class ComplianceTraineeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class ComplianceRowSerializer(serializers.Serializer):
    trainee = ComplianceTraineeSerializer()
    required = serializers.IntegerField(help_text="How many subjects the organisation requires.")
    covered = serializers.IntegerField()
    subjects = SubjectStandingSerializer(many=True)


@extend_schema(tags=["passport"], parameters=[SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="Your organisation's trainees against the subjects it requires",
        description="A page of trainees, by name, each with every subject the organisation "
        "requires: met, expiring soon (within 30 days) or missing.",
        responses={200: ComplianceRowSerializer(many=True), 404: ORGANISATION_NOT_FOUND},
    ),
)
class ComplianceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ComplianceRowSerializer
    queryset = Acceptance.objects.none()
    filter_backends = []
    # Members' training records are for the organisation's admins in person.
    oauth_scopes = {}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        self.organisation = account_selectors.access_organisation_for_admin(
            self.request.user, self.kwargs["slug"]
        )
        return selectors.trainees_of(self.organisation)

    def list(self, request, slug=None):
        page = self.paginate_queryset(self.get_queryset())
        grid = selectors.compliance_grid(self.organisation, page, today=timezone.localdate())
        rows = [
            {
                "trainee": row.trainee,
                "required": len(grid.subjects),
                "covered": row.covered,
                "subjects": [
                    {
                        "subject": s.code,
                        "title": s.title,
                        "status": cell.status,
                        "match": _as_match(cell),
                    }
                    for s, cell in zip(grid.subjects, row.cells, strict=True)
                ],
            }
            for row in grid.rows
        ]
        return self.get_paginated_response(ComplianceRowSerializer(rows, many=True).data)
