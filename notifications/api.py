"""/notifications/: the caller's notifications list, marking one or all read;
/notification-preferences/: how each kind reaches the caller, and the daily digest."""

import django_filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from core.api import INVALID, UNAUTHENTICATED, ErrorSerializer, NamedChoiceField, VisibleToCaller
from core.api_scopes import declare_scopes
from core.site import absolute_url
from notifications import selectors, services
from notifications.models import Delivery, Kind, Notification

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such notification of yours.")


class NotificationSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        schema_name="NotificationKindEnum", choices=Kind.choices, read_only=True
    )
    url = serializers.SerializerMethodField(
        help_text="The page the notification is about; null if none."
    )
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields
        extra_kwargs = {
            "subject": {"help_text": "One line for people, as the list and the email show it."},
            "body": {"help_text": "The email's plain text."},
            "read_at": {"help_text": "When it was opened or marked read; null while unread."},
        }

    def get_url(self, notification) -> str | None:
        return absolute_url(notification.url) if notification.url else None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label="Only unread (true) or only read (false)"
    )

    class Meta:
        model = Notification
        fields = ["unread"]


LIST_EXAMPLE = OpenApiExample(
    "A sign-off request",
    response_only=True,
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 41,
                "kind": "sign_off_requested",
                "subject": "Dr Asha Patel asks you to sign off an entry",
                "body": "Hello Sam,\n\nDr Asha Patel asks you to sign off this entry…",
                "url": "https://waymark.example/entries/12/",
                "created_at": "2026-11-02T09:14:00Z",
                "read_at": None,
                "unread": True,
            }
        ],
    },
)


@extend_schema(tags=["notifications"])
@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        description="What your notifications page lists: the kinds you chose to have in "
        "Waymark. Filter with `unread=true` for those not yet opened.",
        examples=[LIST_EXAMPLE],
    ),
)
class NotificationViewSet(VisibleToCaller, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_class = NotificationFilter
    oauth_scopes = {"read": "profile", "write": "profile"}

    def visible_to(self, user):
        return selectors.notifications_of(user)

    def get_object(self):
        return selectors.access_notification(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Mark one notification read",
        description="As opening it on the notifications page does. Marking one already "
        "read again changes nothing.",
        request=None,
        responses={200: NotificationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.mark_read(notification=self.get_object(), actor=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses={200: ReadAllSerializer, 401: UNAUTHENTICATED},
        examples=[OpenApiExample("Three marked", value={"marked": 3}, response_only=True)],
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(actor=request.user)})


# --- Preferences -----------------------------------------------------------------------------


def _deliveries(name: str, *, sent: bool):
    """A field per kind: how that kind reaches the caller. Sent, each may be left out."""
    fields = {
        kind: NamedChoiceField(
            schema_name="DeliveryEnum",
            choices=Delivery.choices,
            help_text=f"{label}: `both`, `email` or `in_app`.",
            **({"required": False} if sent else {"read_only": True}),
        )
        for kind, label in Kind.choices
    }
    return type(name, (serializers.Serializer,), fields)


class PreferencesSerializer(serializers.Serializer):
    deliveries = _deliveries("DeliveriesSerializer", sent=False)(
        read_only=True, help_text="How each kind of notification reaches you."
    )
    daily_digest = serializers.BooleanField(
        read_only=True,
        help_text="Your emails wait for one digest each morning instead of going one by one.",
    )
    daily_digest_offered = serializers.BooleanField(
        read_only=True, help_text="Whether you may turn the digest on: it is for supervisors."
    )


class PreferencesUpdateSerializer(serializers.Serializer):
    deliveries = _deliveries("DeliveryChoicesSerializer", sent=True)(
        required=False, help_text="Kinds left out keep their choice."
    )
    daily_digest = serializers.BooleanField(
        required=False, help_text="Left out, it stays as it is. Only supervisors turn it on."
    )


def _preferences_data(preferences: selectors.Preferences) -> dict:
    return {
        "deliveries": preferences.deliveries,
        "daily_digest": preferences.daily_digest,
        "daily_digest_offered": preferences.digest_offered,
    }


@extend_schema(
    methods=["GET"],
    summary="How your notifications reach you",
    responses={200: PreferencesSerializer, 401: UNAUTHENTICATED},
    tags=["notifications"],
)
@extend_schema(
    methods=["PUT"],
    summary="Choose how your notifications reach you",
    description="Each kind by email, in Waymark (the notifications list) or both. What you "
    "leave out keeps its choice. Emails already waiting for a digest you turn off still go "
    "in the next one.",
    request=PreferencesUpdateSerializer,
    responses={200: PreferencesSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    examples=[
        OpenApiExample(
            "Requests by email only, and a daily digest",
            request_only=True,
            value={
                "deliveries": {"sign_off_requested": "email", "sign_off_reminder": "email"},
                "daily_digest": True,
            },
        )
    ],
    tags=["notifications"],
)
@declare_scopes(read="profile", write="profile")
@api_view(["GET", "PUT"])
def notification_preferences(request):
    if request.method == "GET":
        preferences = selectors.preferences_of(request.user)
    else:
        given = PreferencesUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preferences = services.set_preferences(
            actor=request.user,
            user=request.user,
            deliveries=given.validated_data.get("deliveries"),
            daily_digest=given.validated_data.get("daily_digest"),
        )
    return Response(PreferencesSerializer(_preferences_data(preferences)).data)
