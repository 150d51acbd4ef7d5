"""Endorsements an organisation's issuer gives, for the admins of that organisation, at
/organisations/{slug}/issuer/endorsements/: listed as the Endorsements page lists them, made
as its form makes them and withdrawn as its confirmation page does, through the same
services. The standing endorsements of a badge class are public, in its own representation
(badges.api.badge_classes)."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import selectors as account_selectors
from badges import endorsement_selectors as selectors
from badges import openbadges, trust
from badges import selectors as badge_selectors
from badges.api.schema import BadgeClassSummarySerializer, IssuerSummarySerializer
from badges.endorsement_models import CLAIM_MAX_LENGTH
from badges.models import Endorsement
from badges.ob3 import urls as ob3_urls
from badges.services import endorsements
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer

# --- Output --------------------------------------------------------------------------------------


class EndorsementDocumentsMixin(serializers.Serializer):
    document_url = serializers.SerializerMethodField(
        help_text="The hosted Open Badges 2.0 Endorsement, public (410 Gone once withdrawn)."
    )
    credential_url = serializers.SerializerMethodField(
        help_text="The Open Badges 3.0 EndorsementCredential, with its embedded proof, public."
    )
    credential_jwt_url = serializers.SerializerMethodField(
        help_text="The same EndorsementCredential as a VC-JWT, public."
    )

    def get_document_url(self, endorsement) -> str:
        return openbadges.endorsement_url(endorsement)

    def get_credential_url(self, endorsement) -> str:
        return ob3_urls.endorsement_credential_url(endorsement)

    def get_credential_jwt_url(self, endorsement) -> str:
        return ob3_urls.endorsement_credential_jwt_url(endorsement)


class EndorsementSerializer(EndorsementDocumentsMixin, serializers.ModelSerializer):
    """An endorsement as the endorser's admins see it."""

    endorser = IssuerSummarySerializer(read_only=True)
    target = serializers.SerializerMethodField(
        help_text="What is endorsed, as `issuer:<id>` or `badge_class:<id>`."
    )
    issuer = IssuerSummarySerializer(
        read_only=True, allow_null=True, help_text="The endorsed issuer; null for a badge class."
    )
    badge_class = BadgeClassSummarySerializer(
        read_only=True, allow_null=True, help_text="The endorsed badge class; null for an issuer."
    )
    withdrawn = serializers.SerializerMethodField(help_text="Whether it was withdrawn.")

    class Meta:
        model = Endorsement
        fields = [
            "id",
            "uid",
            "endorser",
            "target",
            "issuer",
            "badge_class",
            "claim",
            "created_at",
            "withdrawn",
            "withdrawn_at",
            "withdrawal_reason",
            "document_url",
            "credential_url",
            "credential_jwt_url",
        ]
        read_only_fields = fields

    def get_target(self, endorsement) -> str:
        return selectors.target_value(endorsement.target)

    def get_withdrawn(self, endorsement) -> bool:
        return endorsement.withdrawn_at is not None


class PublicEndorsementSerializer(EndorsementDocumentsMixin, serializers.ModelSerializer):
    """A standing endorsement, as the endorsed badge class's public page shows it."""

    endorser = IssuerSummarySerializer(read_only=True)
    endorser_standing = serializers.SerializerMethodField(
        help_text="What Waymark knows of the endorser: whether its domain is verified, and "
        "any recognised-body mark, in words."
    )

    class Meta:
        model = Endorsement
        fields = [
            "uid",
            "endorser",
            "endorser_standing",
            "claim",
            "created_at",
            "document_url",
            "credential_url",
            "credential_jwt_url",
        ]
        read_only_fields = fields

    def get_endorser_standing(self, endorsement) -> str:
        return trust.trust_of(endorsement.endorser).in_words()


# --- Input ---------------------------------------------------------------------------------------


class EndorseSerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=40,
        help_text="What to endorse: another issuer (`issuer:<id>`) or another issuer's active "
        "badge class (`badge_class:<id>`).",
    )
    claim = serializers.CharField(
        max_length=CLAIM_MAX_LENGTH,
        help_text="What you say about it, in words; published with the endorsement.",
    )


class WithdrawEndorsementSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why it is withdrawn; published with the withdrawal."
    )


# --- Views ---------------------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="No organisation you administer has this slug, or it has no issuer profile.",
)
ENDORSEMENT_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such endorsement given by this organisation's issuer."
)


@extend_schema(
    tags=["badges"],
    parameters=[
        OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The organisation's slug.")
    ],
)
@extend_schema_view(
    list=extend_schema(
        summary="Endorsements the organisation's issuer gives (its admins)",
        description="Newest first, withdrawn ones included, as the Endorsements page lists them.",
        responses={200: EndorsementSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Endorse another issuer or badge class (admins of the endorsing organisation)",
        description="Signs the Open Badges 3.0 EndorsementCredential with the issuer's key and "
        "publishes the endorsement on the endorsed badge's or issuer's pages and documents. "
        "An issuer cannot endorse itself or its own badge classes, and gives at most one "
        "standing endorsement of each: refused under `error.fields.target`.",
        request=EndorseSerializer,
        responses={
            201: EndorsementSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "A royal college endorses a badge",
                value={
                    "target": "badge_class:12",
                    "claim": "Meets the CSTF learning outcomes for Information Governance.",
                },
                request_only=True,
            )
        ],
    ),
)
class IssuerEndorsementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = EndorsementSerializer
    queryset = Endorsement.objects.none()
    # Closed to apps: endorsing speaks for the organisation, done by its admins in person.
    oauth_scopes = {}

    def _issuer(self):
        organisation = account_selectors.access_organisation_for_admin(
            self.request.user, self.kwargs["slug"]
        )
        issuer = badge_selectors.issuer_of(organisation)
        if issuer is None:
            raise NotFound("This organisation has no issuer profile yet.")
        return organisation, issuer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.all()
        organisation, _issuer = self._issuer()
        return selectors.endorsements_given_by(organisation)

    def create(self, request, slug=None):
        _organisation, issuer = self._issuer()
        serializer = EndorseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endorsement = endorsements.endorse(
            actor=request.user,
            endorser=issuer,
            target=selectors.target_named(serializer.validated_data["target"]),
            claim=serializer.validated_data["claim"],
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=endorsement.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Withdraw an endorsement (admins of the endorsing organisation)",
        description="With the reason given, which is published: the Open Badges 2.0 "
        "Endorsement answers 410 Gone, the credential's bit is set in the issuer's status list, "
        "and the endorsed pages and documents no longer list it.",
        request=WithdrawEndorsementSerializer,
        responses={
            200: EndorsementSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            404: ENDORSEMENT_NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="It is already withdrawn."),
        },
        examples=[
            OpenApiExample(
                "Outcomes changed",
                value={"reason": "The CSTF outcomes changed; we are reviewing the badge again."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, slug=None, pk=None):
        organisation, _issuer = self._issuer()
        endorsement = selectors.access_endorsement_for_admin(organisation, pk)
        serializer = WithdrawEndorsementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endorsements.withdraw_endorsement(
            actor=request.user, endorsement=endorsement, reason=serializer.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=endorsement.pk)).data)
