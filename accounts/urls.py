from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/tokens/new/", views.token_create, name="token_create"),
    path("account/tokens/<str:token_key>/revoke/", views.token_revoke, name="token_revoke"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/members/", views.members, name="members"),
    path("organisations/<slug:slug>/members/invite/", views.invite, name="invite"),
    path(
        "organisations/<slug:slug>/members/<int:user_id>/roles/",
        views.member_roles,
        name="member_roles",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisations/<slug:slug>/supervisions/", views.supervisions, name="supervisions"),
    path(
        "organisations/<slug:slug>/supervisions/new/",
        views.supervision_start,
        name="supervision_start",
    ),
    path(
        "organisations/<slug:slug>/supervisions/<int:supervision_id>/end/",
        views.supervision_end,
        name="supervision_end",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
