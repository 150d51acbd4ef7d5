"""The authorization server's endpoints, under the toolkit's namespace, which its views
reverse (the metadata document names each of them)."""

from django.urls import path
from oauth2_provider import views as toolkit

from integrations import views

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", views.ConsentView.as_view(), name="authorize"),
    path("token/", toolkit.TokenView.as_view(), name="token"),
    path("revoke/", toolkit.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", toolkit.IntrospectTokenView.as_view(), name="introspect"),
]
