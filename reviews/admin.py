"""Read-only: every change to review requirements, dates and reports goes through services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from reviews.models import AnnualReview, ReportQuestions, ReviewRequirement, SupervisorReport


@admin.register(ReviewRequirement)
class ReviewRequirementAdmin(ReadOnlyAdmin):
    list_display = ["programme", "kind", "assessment_type", "target"]


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "review_date", "set_by"]


@admin.register(ReportQuestions)
class ReportQuestionsAdmin(ReadOnlyAdmin):
    list_display = ["programme", "updated_at"]


@admin.register(SupervisorReport)
class SupervisorReportAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "supervisor", "enrolment", "state", "period_end", "signed_at"]
    list_filter = ["state"]
