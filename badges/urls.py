from django.urls import path

from badges import backpack_views, domain_views, endorsement_views, public_urls, views

app_name = "badges"

org = "organisations/<slug:slug>/"

urlpatterns = [
    # Public addresses printed into issued credentials: they never change.
    *public_urls.urlpatterns,
    # Trainees
    path("badges/", views.my_badges, name="my_badges"),
    path("badges/<int:award_id>/visibility/", views.award_visibility, name="award_visibility"),
    path("badges/profile/", views.profile_visibility, name="profile_visibility"),
    # The backpack: badges issued elsewhere
    path("badges/elsewhere/add/", backpack_views.backpack_add, name="backpack_add"),
    path(
        "badges/elsewhere/<uuid:uid>/",
        backpack_views.external_badge_detail,
        name="external_badge_detail",
    ),
    path(
        "badges/elsewhere/<uuid:uid>/image/",
        backpack_views.external_badge_image,
        name="external_badge_image",
    ),
    path(
        "badges/elsewhere/<uuid:uid>/visibility/",
        backpack_views.external_badge_visibility,
        name="external_badge_visibility",
    ),
    path(
        "badges/elsewhere/<uuid:uid>/remove/",
        backpack_views.external_badge_remove,
        name="external_badge_remove",
    ),
    # Supervisors: a supervised trainee's badges, a card of their portfolio page
    path("trainees/<int:trainee_id>/badges/", views.trainee_badges, name="trainee_badges"),
    # Organisation admins: the issuer, badge classes and awards
    path(f"{org}badges/", views.badge_class_list, name="org_badge_classes"),
    path(f"{org}badges/issuer/", views.issuer_edit, name="org_issuer_edit"),
    path(
        f"{org}badges/issuer/domain/check/",
        domain_views.issuer_domain_check,
        name="org_issuer_domain_check",
    ),
    path(
        f"{org}badges/issuer/domain/token/",
        domain_views.issuer_domain_token,
        name="org_issuer_domain_token",
    ),
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
    # Organisation admins: endorsements their issuer gives
    path(f"{org}badges/endorsements/", endorsement_views.endorsement_list, name="org_endorsements"),
    path(
        f"{org}badges/endorsements/new/",
        endorsement_views.endorsement_create,
        name="org_endorsement_create",
    ),
    path(
        f"{org}badges/endorsements/<int:endorsement_id>/withdraw/",
        endorsement_views.endorsement_withdraw,
        name="org_endorsement_withdraw",
    ),
]
