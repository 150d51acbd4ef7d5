"""What Waymark tells people: each notification, how each person wants each kind delivered,
and the daily digests sent to those who chose one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    """Every occasion Waymark tells someone of. The apps above this one name the kind they
    notify; the preferences page offers one choice per kind."""

    SIGN_OFF_REQUESTED = "sign_off_requested", "A trainee asks you to sign off an entry"
    SIGN_OFF_REMINDER = "sign_off_reminder", "A sign-off request has waited more than a week"
    ASSESSMENT_REQUESTED = "assessment_requested", "Someone asks you to complete an assessment"
    SIGN_OFF_APPROVED = "sign_off_approved", "Your entry is signed off"
    SIGN_OFF_RETURNED = "sign_off_returned", "Your entry is returned for changes"
    ASSESSMENT_COMPLETED = "assessment_completed", "Your assessment is completed"
    BADGE_AWARDED = "badge_awarded", "You earn a badge"
    BADGE_REVOKED = "badge_revoked", "A badge of yours is revoked"
    CREDENTIAL_EXPIRING = "credential_expiring", "A badge of yours expires soon"
    TRAINING_EXPIRING = "training_expiring", "Mandatory training in your passport expires soon"
    EXPORT_READY = "export_ready", "Your export is ready"


class Delivery(models.TextChoices):
    BOTH = "both", "Email and in Waymark"
    EMAIL = "email", "Email only"
    IN_APP = "in_app", "In Waymark only"


class Digest(models.Model):
    """One day's digest email to one person. The row is what makes the digest idempotent:
    one per person per day, whatever retries or a second beat process do."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_a_day"),
        ]

    def __str__(self):
        return f"Digest for {self.recipient_id} on {self.day}"


class NotificationQuerySet(models.QuerySet):
    def shown_to(self, user):
        """What the user's notifications page lists: their own, kept in Waymark."""
        return self.filter(recipient=user, in_app=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing Waymark told one person, and how it reached them: in the notifications list
    (`in_app`), by email now or in the next daily digest (`email`), or both. A row is kept
    even when only an email was wanted: it records that the occasion was told (`key`)."""

    class Email(models.TextChoices):
        NOT_WANTED = "none", "Not emailed"
        PENDING = "pending", "To be emailed"
        DIGEST = "digest", "Waiting for the daily digest"
        SENT = "sent", "Emailed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    # The email's plain text, which the API also returns.
    body = models.TextField()
    # The page it is about, as a path on this site ("/entries/12/"); empty if none.
    url = models.CharField(max_length=500, blank=True)
    # Names the occasion ("sign-off-requested:12"), so that one occasion is told once
    # whatever retries and sweeps do; empty where nothing could repeat it.
    key = models.CharField(max_length=120, blank=True)
    in_app = models.BooleanField(default=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.NOT_WANTED)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="one_notice_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(email="sent", emailed_at__isnull=False)
                | (~Q(email="sent") & Q(emailed_at__isnull=True)),
                name="emailed_at_when_sent",
            ),
        ]
        indexes = [
            # The notifications page, newest first, and the unread count in the navigation.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(in_app=True),
                name="notification_list",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(in_app=True, read_at__isnull=True),
                name="notification_unread",
            ),
            # The sweeps read only the few emails still to send.
            models.Index(
                fields=["created_at"],
                condition=Q(email__in=["pending", "digest"]),
                name="notification_email_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id} at {self.created_at:%Y-%m-%d}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Preference(models.Model):
    """How one person wants one kind delivered. No row means both ways (Delivery.BOTH)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.BOTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind} by {self.delivery}"


class DigestSubscription(models.Model):
    """The person's emails wait for one daily digest instead of going one at a time. Offered
    to supervisors, who are told of many trainees' requests."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digest"
    )
    since = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Daily digest for {self.user_id}"
