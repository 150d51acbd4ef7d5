"""The toolkit's admin pages, made read-only like every other: apps are registered and
revoked through integrations.services, which audit it. Tokens are not shown at all: their
checksums and timestamps help no one in support, and each row is a way into an account."""

from django.contrib import admin
from oauth2_provider import models as toolkit

from core.admin import ReadOnlyAdmin
from integrations.models import Connection, OrganisationApp

for model in (
    toolkit.get_application_model(),
    toolkit.get_access_token_model(),
    toolkit.get_refresh_token_model(),
    toolkit.get_grant_model(),
    toolkit.get_id_token_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(toolkit.get_application_model())
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["name", "client_id", "user", "client_type", "authorization_grant_type"]
    list_select_related = ["user"]
    search_fields = ["name", "client_id", "user__email"]
    exclude = ["client_secret"]


@admin.register(OrganisationApp)
class OrganisationAppAdmin(ReadOnlyAdmin):
    list_display = ["application", "organisation"]
    list_select_related = ["application", "organisation"]


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdmin):
    list_display = ["user", "application", "scope", "connected_at", "last_used_at"]
    list_select_related = ["user", "application"]
    search_fields = ["user__email", "application__name"]


# xAPI intake's admin pages, registered with their module.
import integrations.xapi.admin  # noqa: E402, F401
