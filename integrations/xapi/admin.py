"""xAPI intake in the admin, read-only like every other: keys, consent and statements change
through integrations.xapi.services, which audit them. A key's secret hash is not shown."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from integrations.xapi.models import ProviderConnection, Statement, XapiCredential


@admin.register(XapiCredential)
class XapiCredentialAdmin(ReadOnlyAdmin):
    list_display = ["key", "organisation", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["organisation"]
    search_fields = ["key", "organisation__name"]
    exclude = ["secret_hash"]


@admin.register(ProviderConnection)
class ProviderConnectionAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "account_name", "connected_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name", "account_name"]


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["statement_id", "provider", "trainee", "stored_at", "voided"]
    list_select_related = ["provider", "trainee"]
    search_fields = ["statement_id", "trainee__email"]
