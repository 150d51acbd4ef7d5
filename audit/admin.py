from django.contrib import admin

from audit.models import AuditEntry, Checkpoint
from core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "at", "chain", "seq", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["chain"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["number", "at", "chains", "entries", "root", "key_id"]
    exclude = ["heads"]
