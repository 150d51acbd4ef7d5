from django.contrib import admin

from core.admin import ReadOnlyAdmin
from teaching.models import Attendance, TeachingProgramme, TeachingSession


@admin.register(TeachingProgramme)
class TeachingProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug"]


@admin.register(TeachingSession)
class TeachingSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "programme", "starts_at", "duration_minutes", "mandatory"]
    list_select_related = ["programme"]
    list_filter = ["mandatory"]
    search_fields = ["title", "programme__name"]
    # The check-in code stays on the admins' session page; support staff do not need it.
    exclude = ["check_in_code"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "session", "method", "recorded_at"]
    list_select_related = ["trainee", "session"]
    list_filter = ["method"]
    search_fields = ["trainee__email", "session__title"]
