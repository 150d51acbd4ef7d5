from django.contrib import admin

from audit.models import AuditEntry
from core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
