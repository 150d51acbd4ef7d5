"""The Django admin is for support staff to look, not to write: every change goes through a
service, which checks who may make it and writes the audit log."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for support staff; changes go through the pages' services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
