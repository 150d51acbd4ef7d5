"""Reads for webhook subscriptions, scoped to the person asking: their own, and their
organisations' if they administer them. Anyone else's is a 404."""

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.selectors import organisations_administered_by
from integrations.webhooks.models import Delivery, DeliveryAttempt, Subscription

# The delivery log shows the latest messages; older ones stay in the database.
LOG_LENGTH = 50


def subscriptions_visible_to(user) -> QuerySet[Subscription]:
    if not user.is_authenticated:
        return Subscription.objects.none()
    return Subscription.objects.filter(
        Q(owner=user) | Q(organisation__in=organisations_administered_by(user))
    ).select_related("organisation")


def access_subscription(user, subscription_id) -> Subscription:
    return get_object_or_404(subscriptions_visible_to(user), pk=subscription_id)


def delivery_log(subscription: Subscription) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(subscription=subscription)
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number", "pk"))
        )
        .order_by("-created_at", "-pk")
    )


def access_delivery(subscription: Subscription, delivery_id) -> Delivery:
    return get_object_or_404(
        Delivery.objects.select_related("subscription").filter(subscription=subscription),
        pk=delivery_id,
    )
