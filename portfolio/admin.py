from django.contrib import admin

from core.admin import ReadOnlyAdmin
from portfolio.models import LearningEvent, SignOff


@admin.register(LearningEvent)
class LearningEventAdmin(ReadOnlyAdmin):
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
    list_display = ["pk", "event", "supervisor", "trainee", "signed_at", "content_hash"]
