from django.urls import path
from oauth2_provider.views import OAuthServerMetadataView

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("account/apps/", views.developer_apps, name="developer_apps"),
    path("account/connected-apps/", views.connected_apps, name="connected_apps"),
    path(
        "account/connected-apps/<int:connection_id>/revoke/",
        views.connection_revoke,
        name="connection_revoke",
    ),
    # RFC 8414: at the origin's root, not under the endpoints' prefix.
    path(
        ".well-known/oauth-authorization-server",
        OAuthServerMetadataView.as_view(),
        name="oauth_metadata",
    ),
]
