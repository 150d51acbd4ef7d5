"""The trainee's public badge profile: /badge-profile/ reads and switches it, as the My badges
page does. Which badges it shows is each award's `public` (PATCH /awards/{id}/)."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from badges import selectors
from badges.models import PublicProfile
from badges.services import public_profile
from core.api import INVALID, UNAUTHENTICATED
from core.site import absolute_url


class PublicProfileSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(
        help_text="Whether the profile is on: off until you turn it on."
    )
    slug = serializers.CharField(
        allow_null=True,
        help_text="The random part of its address, given the first time it is switched on or "
        "off; null before that.",
    )
    url = serializers.SerializerMethodField(
        help_text="The public page, which shows only the badges you show; null while it is off."
    )

    def get_url(self, profile) -> str | None:
        if not profile.enabled:
            return None
        try:
            return absolute_url(reverse("badges:public_profile", args=[profile.slug]))
        except NoReverseMatch:
            return None


class SwitchSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="true to turn the profile on, false for off.")


class PublicProfileView(GenericAPIView):
    """The caller's own public badge profile."""

    serializer_class = PublicProfileSerializer
    queryset = PublicProfile.objects.none()  # for the schema alone
    # Reading it is reading one's badges; switching it on publishes them, which the trainee
    # decides in person, so no app may.
    oauth_scopes = {"read": "badges:read"}

    @extend_schema(
        tags=["badges"],
        summary="Your public badge profile",
        responses={200: PublicProfileSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    def get_object(self):
        # Before it is first switched it has no row, and no address yet.
        profile = selectors.public_profile_of(self.request.user)
        return profile or PublicProfile(enabled=False, slug=None)

    @extend_schema(
        tags=["badges"],
        summary="Turn your public badge profile on or off",
        description="As the My badges page does. Turned on the first time, it is given its "
        "random address, which stays the same after.",
        request=SwitchSerializer,
        responses={200: PublicProfileSerializer, 400: INVALID, 401: UNAUTHENTICATED},
        examples=[OpenApiExample("Turn it on", value={"enabled": True}, request_only=True)],
    )
    def put(self, request):
        serializer = SwitchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = public_profile.set_public_profile(
            trainee=request.user, actor=request.user, enabled=serializer.validated_data["enabled"]
        )
        return Response(self.get_serializer(profile).data)
