from django.contrib import admin

from core.admin import ReadOnlyAdmin
from portfolio.models import LearningEntry, SignOff


@admin.register(LearningEntry)
class LearningEntryAdmin(ReadOnlyAdmin):
    """Support staff can see that entries exist; content and changes belong to trainees."""

    list_display = ["pk", "trainee", "kind", "date", "status", "source"]
    list_filter = ["kind", "status", "source"]
    fields = [
        "trainee",
        "kind",
        "date",
        "status",
        "source",
        "external_id",
        "created_at",
        "updated_at",
    ]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = [
        "pk", "entry", "supervisor", "trainee", "signed_at", "content_hash", "hash_version",
    ]  # fmt: skip
