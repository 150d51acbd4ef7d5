"""Read-only: every change to forms, assessments and tickets goes through services."""

from django.contrib import admin

from assessments.models import Assessment, AssessmentForm, Ticket
from core.admin import ReadOnlyAdmin


@admin.register(AssessmentForm)
class AssessmentFormAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "assessment_type", "organisation"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["entry", "trainee", "assessment_type", "state", "by_ticket", "completed_at"]
    list_filter = ["state", "assessment_type", "by_ticket"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    # The token's hash is no use to anyone reading the admin.
    exclude = ["token_sha256"]
    list_display = ["assessment", "email", "created_at", "expires_at", "used_at", "revoked_at"]
