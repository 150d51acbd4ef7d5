"""What the badges API's modules share: the summaries nested in their answers, the error
answers they document alike, and the public addresses of an award."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from badges import selectors
from badges.models import BadgeClass, Issuer
from core.api import ErrorSerializer
from core.site import absolute_url

FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Only admins of the issuing organisation may do this."
)
BADGE_CLASS_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such badge class, or an inactive one of another issuer."
)
ADMINISTERED_BADGE_CLASS_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description="No such badge class of an organisation you administer."
)
AWARD_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such award of yours.")


def public_url(award, view_name) -> str | None:
    path = selectors.award_public_url(award, view_name)
    return absolute_url(path) if path else None


class IssuerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Issuer
        fields = ["id", "name", "url"]
        read_only_fields = fields


class BadgeClassSummarySerializer(serializers.ModelSerializer):
    issuer = IssuerSummarySerializer(read_only=True)

    class Meta:
        model = BadgeClass
        fields = ["id", "slug", "name", "issuer"]
        read_only_fields = fields


class AwardPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class BadgeImageField(serializers.FileField):
    """A badge image or issuer logo upload, checked by the service as on the pages
    (badges.services.badge_classes.badge_image_png): judged by its content, never its name;
    only a PNG is kept, at most 2 MB and about a megapixel, re-encoded without its metadata.
    SVG is refused: it can carry script."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Optional. A PNG image, at most 2 MB and about a megapixel; re-encoded without its "
            "metadata. Left out, the image already stored stays (or Waymark draws one).",
        )
        super().__init__(required=False, **kwargs)
