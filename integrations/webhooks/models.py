"""Webhook subscriptions, the outbox of messages for them, and each attempt to deliver one.

A message is written to the outbox in the same transaction as the change it announces, so
neither can exist without the other; delivery happens after the commit and is retried
from the outbox, under the same `webhook-id`, until it succeeds or gives up."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The events a subscription may ask for (the Standard Webhooks `type` of each message).
EVENTS = {
    "entry.created": "A learning entry was logged.",
    "entry.updated": "A learning entry was changed.",
    "entry.submitted": "A learning entry was sent for sign-off.",
    "entry.signed_off": "A learning entry was signed off.",
    "entry.returned": "A learning entry was returned by the supervisor.",
    "award.issued": "A badge was awarded.",
    "award.revoked": "A badge was revoked.",
    "export.ready": "A PDF portfolio or portable archive is ready to download.",
}
# What an organisation's subscription may hear of: what its admins already see on their
# own pages (sign-offs given under its supervisions, awards of its badge classes), never a
# trainee's drafts, edits or exports. See integrations.webhooks.outbox.
ORGANISATION_EVENTS = ("entry.signed_off", "award.issued", "award.revoked")


class SubscriptionQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(disabled_at__isnull=True)


class Subscription(models.Model):
    """Where to send which events, for a person (their own portfolio) or an organisation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(help_text='The event types sent, e.g. ["entry.signed_off"].')
    # The signing secrets, encrypted with the site's Fernet keys: signing needs them back,
    # so they cannot be stored hashed. The previous secret keeps signing beside the new one
    # for a while after a rotation, so that receivers can switch without losing messages.
    secret_encrypted = models.TextField()
    previous_secret_encrypted = models.TextField(blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the current run of failed attempts began; cleared by any successful delivery.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=True, organisation__isnull=False)
                | Q(owner__isnull=False, organisation__isnull=True),
                name="webhook_subscription_one_owner",
            )
        ]

    def __str__(self):
        return f"{self.url} for {self.owner or self.organisation}"

    @property
    def is_enabled(self) -> bool:
        return self.disabled_at is None


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)


class Delivery(models.Model):
    """One message for one subscription: the outbox row and its delivery's state."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being delivered"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The Standard Webhooks `webhook-id`: the same on every attempt, so that a receiver can
    # tell a retry from a new message.
    message_id = models.CharField(max_length=40, unique=True)
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; while an attempt is under way, when it counts as lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    first_attempted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log"),
            # The sweep reads only the few still pending.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.message_id}"


class DeliveryAttempt(models.Model):
    """What happened when a message was sent once: the delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["number", "pk"]

    def __str__(self):
        return f"Attempt {self.number} of {self.delivery}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
