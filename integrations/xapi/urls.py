from django.urls import path

from integrations.xapi import pages, views

app_name = "xapi"

urlpatterns = [
    # The LRS's resources, at the addresses xAPI clients append to the endpoint.
    path("xapi/about", views.about, name="about"),
    path("xapi/statements", views.statements, name="statements"),
    path("account/providers/", pages.providers, name="providers"),
    path(
        "account/providers/<slug:slug>/disconnect/",
        pages.provider_disconnect,
        name="provider_disconnect",
    ),
    path(
        "organisations/<slug:slug>/integrations/",
        pages.organisation_integrations,
        name="organisation_integrations",
    ),
    path(
        "organisations/<slug:slug>/integrations/xapi-keys/",
        pages.credential_create,
        name="credential_create",
    ),
    path(
        "organisations/<slug:slug>/integrations/xapi-keys/<int:credential_id>/rotate/",
        pages.credential_rotate,
        name="credential_rotate",
    ),
    path(
        "organisations/<slug:slug>/integrations/xapi-keys/<int:credential_id>/revoke/",
        pages.credential_revoke,
        name="credential_revoke",
    ),
]
