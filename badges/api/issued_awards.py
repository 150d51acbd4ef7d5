"""The awards of one badge class, for the admins of its issuing organisation:
/badge-classes/{id}/awards/ lists them as the class's awards page does, and awards the badge
by hand as that page's form does, through the same service. The award's Open Badges 3.0
credential is signed as for any award, once the request commits."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.models import Role
from badges import selectors
from badges.api.awards import IssuedAwardSerializer
from badges.api.schema import ADMINISTERED_BADGE_CLASS_NOT_FOUND
from badges.models import Award
from badges.services import awarding
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, IdField


class ManualAwardSerializer(serializers.Serializer):
    trainee = IdField(
        help_text="The id of a trainee of the issuing organisation who does not hold the badge."
    )
    narrative = serializers.CharField(
        help_text="What the trainee did to earn the badge. It is published with the badge, so "
        "leave out anything that could identify a patient."
    )
    entries = serializers.ListField(
        child=IdField(),
        default=list,
        help_text="Optional: ids of the trainee's own signed-off entries that the badge "
        "recognises; published with it.",
    )

    def __init__(self, *args, trainees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = trainees  # None only when the schema is made

    def validate_trainee(self, pk):
        # Those the page offers to choose from; the service checks again as it awards.
        trainee = self.trainees.filter(pk=pk).first()
        if trainee is None:
            raise serializers.ValidationError("Not a trainee of the issuing organisation.")
        return trainee

    def validate(self, data):
        wanted = set(data["entries"])
        entries = list(selectors.linkable_entries(data["trainee"]).filter(pk__in=wanted))
        unknown = wanted - {entry.pk for entry in entries}
        if unknown:
            raise serializers.ValidationError(
                {
                    "entries": "Not signed-off entries of the trainee's: "
                    f"{', '.join(map(str, sorted(unknown)))}."
                }
            )
        return {**data, "entries": entries}


@extend_schema(
    tags=["badges"],
    parameters=[
        OpenApiParameter(
            "badge_class_id", int, OpenApiParameter.PATH, description="The badge class's id."
        )
    ],
)
@extend_schema_view(
    list=extend_schema(
        summary="The awards of a badge class (admins of its organisation)",
        description="Everyone awarded it, newest first, revoked awards included, as the "
        "class's awards page lists them.",
        responses={
            200: IssuedAwardSerializer(many=True),
            401: UNAUTHENTICATED,
            404: ADMINISTERED_BADGE_CLASS_NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Award a badge by hand (admins of its organisation)",
        description="To a trainee of the issuing organisation, with the issuer's narrative "
        "and any of the trainee's signed-off entries as evidence, as the award page does. The "
        "award's Open Badges 3.0 credential is signed as the request commits, as for every "
        "award.",
        request=ManualAwardSerializer,
        responses={
            201: IssuedAwardSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: ADMINISTERED_BADGE_CLASS_NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer, description="The badge class is inactive: it is not awarded."
            ),
        },
        examples=[
            OpenApiExample(
                "For teaching",
                value={
                    "trainee": 42,
                    "narrative": "Taught the sepsis six to the ward's nursing team.",
                    "entries": [1001, 1002],
                },
                request_only=True,
            )
        ],
    ),
)
class BadgeClassAwardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = IssuedAwardSerializer
    # For the schema alone; requests go through the badge class's access helper.
    queryset = Award.objects.none()
    parser_classes = [parsers.JSONParser]
    # Closed to apps: who holds a badge, and awarding one, are for the issuer's admins in
    # person.
    oauth_scopes = {}

    def badge_class(self):
        if not hasattr(self, "_badge_class"):
            self._badge_class = selectors.access_badge_class_to_award(
                self.request.user, self.kwargs["badge_class_id"]
            )
        return self._badge_class

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.all()
        return selectors.awards_of_badge_class(self.badge_class())

    def create(self, request, badge_class_id=None):
        badge_class = self.badge_class()
        # As the page does: an inactive badge class is refused before anything is read.
        awarding.check_awardable(badge_class)
        trainees = account_selectors.users_with_role(badge_class.issuer.organisation, Role.TRAINEE)
        serializer = ManualAwardSerializer(data=request.data, trainees=trainees)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        award = awarding.award_badge(
            badge_class=badge_class,
            recipient=data["trainee"],
            actor=request.user,
            narrative=data["narrative"],
            entries=data["entries"],
        )
        award = self.get_queryset().get(pk=award.pk)
        return Response(self.get_serializer(award).data, status=status.HTTP_201_CREATED)
