"""The authorization server's endpoints, under the toolkit's namespace, which its views
reverse (the metadata document names each of them)."""

from django.urls import path
from oauth2_provider import views as toolkit

from integrations import views
from integrations.registration import views as registration

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.ConsentView.as_view(), name="authorize"),
    path("token/", toolkit.TokenView.as_view(), name="token"),
    path("revoke/", toolkit.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", toolkit.IntrospectTokenView.as_view(), name="introspect"),
    # Dynamic Client Registration (RFC 7591, 7592); the metadata document names it.
    path("register/", registration.ClientRegistrationView.as_view(), name="dcr-register"),
    path(
        "register/<str:client_id>/",
        registration.ClientConfigurationView.as_view(),
        name="dcr-register-management",
    ),
]
