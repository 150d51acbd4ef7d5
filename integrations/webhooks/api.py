"""API for webhook subscriptions: subscribe a URL to events (the answer carries the signing
secret, once), list and delete them, rotate the secret, read the delivery log and send a
message again. A person sees their own and those of organisations they administer."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import organisations_administered_by
from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, SlugRelatedField, VisibleToCaller
from core.site import absolute_url
from integrations.webhooks import selectors, services
from integrations.webhooks.models import EVENTS, Delivery, DeliveryAttempt, Subscription

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such webhook of yours.")
CONFLICT = OpenApiResponse(ErrorSerializer, description="Not now; the message says why.")


class SubscriptionSerializer(serializers.ModelSerializer):
    organisation = SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The organisation's slug for an organisation's webhook; null for yours.",
    )
    enabled = serializers.BooleanField(source="is_enabled", read_only=True)
    deliveries_url = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = [
            "id", "url", "events", "organisation", "enabled", "disabled_at",
            "disabled_reason", "created_at", "deliveries_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_deliveries_url(self, subscription) -> str:
        return absolute_url(reverse("api:webhook-deliveries", args=[subscription.pk]))


class NewSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text="The signing secret (`whsec_…`). Shown this once: keep it now."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscribeSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="Where to POST the messages.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(EVENTS)),
        allow_empty=False,
        max_length=len(EVENTS),
    )
    organisation = SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        required=False,
        allow_null=True,
        help_text="The slug of an organisation you administer, for its webhook; omit for "
        "your own portfolio's.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # none while the schema is generated
        if request is not None:
            self.fields["organisation"].queryset = organisations_administered_by(request.user)


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret, shown this once.")


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "attempted_at", "status_code", "response_ms", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="message_id", read_only=True)
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "webhook_id", "event", "payload", "status", "attempts", "created_at",
            "next_attempt_at", "delivered_at", "attempt_log",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["webhooks"])
@extend_schema_view(
    list=extend_schema(summary="Your webhooks, and your organisations'"),
    retrieve=extend_schema(
        summary="One webhook", responses={200: SubscriptionSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Subscribe a URL to events",
        description="Messages are signed per Standard Webhooks (`webhook-id`, "
        "`webhook-timestamp`, `webhook-signature`) with the secret in this answer, which is "
        "not shown again. An organisation's webhook hears only of `entry.signed_off`, "
        "`award.issued` and `award.revoked`.",
        request=SubscribeSerializer,
        responses={201: NewSubscriptionSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    ),
    destroy=extend_schema(summary="Delete a webhook", responses={204: None, 404: NOT_FOUND}),
)
class WebhookViewSet(
    VisibleToCaller,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions and their delivery logs."""

    serializer_class = SubscriptionSerializer
    queryset = Subscription.objects.none()
    oauth_scopes = {"read": "webhooks", "write": "webhooks"}

    def visible_to(self, user):
        return selectors.subscriptions_visible_to(user)

    def create(self, request):
        given = SubscribeSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        subscription, secret = services.create_subscription(
            actor=request.user, **given.validated_data
        )
        subscription.secret = secret
        return Response(
            NewSubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, subscription):
        services.delete_subscription(subscription=subscription, actor=self.request.user)

    @extend_schema(
        summary="Rotate the signing secret",
        description="The old secret keeps signing beside the new one for 24 hours.",
        request=None,
        responses={200: SecretSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        secret = services.rotate_secret(subscription=self.get_object(), actor=request.user)
        return Response({"secret": secret})

    @extend_schema(
        summary="Enable a disabled webhook",
        request=None,
        responses={200: SubscriptionSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        subscription = services.enable_subscription(
            subscription=self.get_object(), actor=request.user
        )
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(
        summary="The delivery log: messages, newest first, with every attempt",
        responses={200: DeliverySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        log = selectors.delivery_log(self.get_object())
        page = self.paginate_queryset(log)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a message again, under the same webhook-id",
        request=None,
        responses={202: DeliverySerializer, 404: NOT_FOUND, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver",
        url_name="redeliver",
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        delivery = selectors.access_delivery(self.get_object(), delivery_id)
        delivery = services.redeliver(delivery=delivery, actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
