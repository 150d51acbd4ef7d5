from django.urls import path

from badges import public_urls, views

app_name = "badges"

org = "organisations/<slug:slug>/"

urlpatterns = [
    # Public addresses printed into issued credentials: they never change.
    *public_urls.urlpatterns,
    # Trainees
    path("badges/", views.my_badges, name="my_badges"),
    path("badges/<int:award_id>/visibility/", views.award_visibility, name="award_visibility"),
    path("badges/profile/", views.profile_visibility, name="profile_visibility"),
    path("check-in/", views.check_in, name="check_in"),
    # Organisation admins: the issuer, badge classes and awards
    path(f"{org}badges/", views.badge_class_list, name="org_badge_classes"),
    path(f"{org}badges/issuer/", views.issuer_edit, name="org_issuer_edit"),
    path(f"{org}badges/new/", views.badge_class_create, name="org_badge_class_create"),
    path(
        f"{org}badges/<int:badge_class_id>/edit/",
        views.badge_class_edit,
        name="org_badge_class_edit",
    ),
    path(
        f"{org}badges/<int:badge_class_id>/awards/",
        views.badge_class_awards,
        name="org_badge_class_awards",
    ),
    path(
        f"{org}badges/<int:badge_class_id>/awards/new/",
        views.award_create,
        name="org_award_create",
    ),
    path(f"{org}badges/awards/<int:award_id>/revoke/", views.award_revoke, name="org_award_revoke"),
    # Organisation admins: teaching programmes, sessions and registers
    path(f"{org}teaching/", views.teaching_programme_list, name="teaching_programmes"),
    path(f"{org}teaching/new/", views.teaching_programme_create, name="teaching_programme_create"),
    path(
        f"{org}teaching/<int:programme_id>/",
        views.teaching_programme_detail,
        name="teaching_programme_detail",
    ),
    path(
        f"{org}teaching/<int:programme_id>/sessions/new/",
        views.teaching_session_create,
        name="teaching_session_create",
    ),
    path(
        f"{org}teaching/sessions/<int:session_id>/",
        views.teaching_session_detail,
        name="teaching_session_detail",
    ),
    path(
        f"{org}teaching/sessions/<int:session_id>/register/",
        views.teaching_register,
        name="teaching_register",
    ),
]
