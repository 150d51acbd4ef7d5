"""API for the signed-in user and their personal access tokens."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import Membership, PersonalAccessToken, User
from config.api import router


class MembershipSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "organisation_name", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "registration_number", "date_joined", "memberships"]


@extend_schema(responses=MeSerializer, summary="The signed-in user, with their roles")
@api_view(["GET"])
def me(request):
    user = User.objects.prefetch_related("memberships__organisation").get(pk=request.user.pk)
    return Response(MeSerializer(user).data)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonalAccessToken
        fields = ["token_key", "name", "created", "expiry", "last_used_at"]


@extend_schema(tags=["tokens"])
class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's personal access tokens. Tokens are created on the account page, which
    asks for the password again first; here they can be listed and revoked."""

    serializer_class = TokenSerializer
    lookup_field = "token_key"

    def get_queryset(self):
        return selectors.tokens_of(self.request.user)

    def get_object(self):
        return selectors.access_token(self.request.user, self.kwargs["token_key"])

    def perform_destroy(self, instance):
        services.revoke_personal_access_token(token=instance)


router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [path("me/", me, name="me")]
