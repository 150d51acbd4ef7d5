"""Read-only: notifications are made by `notify` and changed by their recipients alone."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from notifications.models import Digest, DigestSubscription, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "subject", "in_app", "email", "created_at", "read_at"]
    list_filter = ["kind", "email", "in_app"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "delivery"]


@admin.register(DigestSubscription)
class DigestSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "since"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "day", "sent_at"]
