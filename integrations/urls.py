from django.urls import path
from oauth2_provider.views import OAuthServerMetadataView

from integrations import views
from integrations.webhooks import views as webhooks

app_name = "integrations"

urlpatterns = [
    path("account/apps/", views.developer_apps, name="developer_apps"),
    path("account/connected-apps/", views.connected_apps, name="connected_apps"),
    path(
        "account/connected-apps/<int:connection_id>/revoke/",
        views.connection_revoke,
        name="connection_revoke",
    ),
    path("account/webhooks/", webhooks.webhooks, name="webhooks"),
    path("account/webhooks/<int:subscription_id>/", webhooks.webhook_detail, name="webhook_detail"),
    path(
        "account/webhooks/<int:subscription_id>/rotate-secret/",
        webhooks.webhook_rotate_secret,
        name="webhook_rotate_secret",
    ),
    path(
        "account/webhooks/<int:subscription_id>/enable/",
        webhooks.webhook_enable,
        name="webhook_enable",
    ),
    path(
        "account/webhooks/<int:subscription_id>/delete/",
        webhooks.webhook_delete,
        name="webhook_delete",
    ),
    path(
        "account/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/redeliver/",
        webhooks.webhook_redeliver,
        name="webhook_redeliver",
    ),
    # RFC 8414: at the origin's root, not under the endpoints' prefix.
    path(
        ".well-known/oauth-authorization-server",
        OAuthServerMetadataView.as_view(),
        name="oauth_metadata",
    ),
]
