"""An organisation's Open Badges issuer profile, which its admins read and set at
/organisations/{slug}/issuer/, as the issuer page does: through the same service, with the
logo checked by its content as the page checks it."""

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import parsers, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts import selectors as account_selectors
from badges import selectors
from badges.api.schema import BadgeImageField
from badges.models import Issuer
from badges.services import badge_classes
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer
from core.site import absolute_url

ORGANISATION = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The organisation's slug."
)


class IssuerSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    image_url = serializers.SerializerMethodField(help_text="The logo, public; null without one.")
    profile_url = serializers.SerializerMethodField(
        help_text="The public Open Badges 2.0 issuer profile (JSON-LD)."
    )
    ob3_profile_url = serializers.SerializerMethodField(
        help_text="The public Open Badges 3.0 issuer profile, with its signing keys."
    )

    class Meta:
        model = Issuer
        fields = [
            "id",
            "organisation",
            "name",
            "url",
            "email",
            "description",
            "image_url",
            "profile_url",
            "ob3_profile_url",
        ]
        read_only_fields = fields

    def get_image_url(self, issuer) -> str | None:
        return _public_url("badges:issuer_image", issuer) if issuer.image else None

    def get_profile_url(self, issuer) -> str | None:
        return _public_url("badges:ob_issuer", issuer)

    def get_ob3_profile_url(self, issuer) -> str | None:
        return _public_url("badges:ob3_issuer", issuer)


def _public_url(view_name, issuer) -> str | None:
    try:
        return absolute_url(reverse(view_name, args=[issuer.pk]))
    except NoReverseMatch:
        return None


class IssuerJsonSerializer(serializers.Serializer):
    """The profile's fields. PUT replaces them: a description left out is emptied; the logo
    stays unless a new one is sent."""

    name = serializers.CharField(max_length=200, help_text="Shown on every badge it awards.")
    url = serializers.URLField(max_length=200, help_text="The issuer's public website.")
    email = serializers.EmailField(help_text="Where people can ask about the badges.")
    description = serializers.CharField(allow_blank=True, default="")


class IssuerUploadSerializer(IssuerJsonSerializer):
    image = BadgeImageField(help_text="Optional. The logo: a PNG, as for a badge image.")


NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such organisation of yours to administer."
)


class IssuerView(GenericAPIView):
    """The issuer profile of an organisation the caller administers."""

    serializer_class = IssuerSerializer
    # For the schema alone; requests go through the organisation admin's access helper.
    queryset = Issuer.objects.none()
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    # Closed to apps: the organisation's admins keep its issuer profile in person.
    oauth_scopes = {}

    @extend_schema(
        tags=["badges"],
        summary="The organisation's issuer profile (its admins)",
        parameters=[ORGANISATION],
        responses={
            200: IssuerSerializer,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such organisation of yours to administer, or it has no issuer "
                "profile yet (PUT one).",
            ),
        },
    )
    def get(self, request, slug):
        return Response(self.get_serializer(self.get_object()).data)

    def get_object(self):
        organisation = account_selectors.access_organisation_for_admin(
            self.request.user, self.kwargs["slug"]
        )
        issuer = selectors.issuer_of(organisation)
        if issuer is None:
            raise Http404("This organisation has no issuer profile yet.")
        return issuer

    @extend_schema(
        tags=["badges"],
        summary="Set the organisation's issuer profile (its admins)",
        description="Creates the profile or replaces its fields, as the issuer page does. "
        "Every badge the organisation issues names it. As JSON, or as multipart with a logo "
        "(`image`).",
        parameters=[ORGANISATION],
        request={
            "application/json": IssuerJsonSerializer,
            "multipart/form-data": IssuerUploadSerializer,
        },
        responses={200: IssuerSerializer, 400: INVALID, 401: UNAUTHENTICATED, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A trust's education department",
                value={
                    "name": "St Elsewhere postgraduate education",
                    "url": "https://education.st-elsewhere.example/",
                    "email": "education@st-elsewhere.example",
                    "description": "Badges for foundation doctors' teaching and learning.",
                },
                request_only=True,
            )
        ],
    )
    def put(self, request, slug):
        organisation = account_selectors.access_organisation_for_admin(request.user, slug)
        serializer = IssuerUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issuer = badge_classes.update_issuer(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(issuer).data)
