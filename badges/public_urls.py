"""Public addresses of badges. They are printed into issued credentials, so they never change."""

from django.urls import path

from badges import verification as views

urlpatterns = [
    path("ob/v2/issuers/<int:issuer_id>", views.ob_issuer, name="ob_issuer"),
    path("badges/issuers/<int:issuer_id>/logo.png", views.issuer_image, name="issuer_image"),
    path("ob/v2/badge-classes/<int:badge_class_id>", views.ob_badge_class, name="ob_badge_class"),
    path("ob/v2/assertions/<uuid:uid>", views.award_assertion, name="award_assertion"),
    path(
        "badges/classes/<int:badge_class_id>/", views.badge_class_detail, name="badge_class_detail"
    ),
    path(
        "badges/classes/<int:badge_class_id>/image",
        views.badge_class_image,
        name="badge_class_image",
    ),
    path("badges/awards/<uuid:uid>/", views.award_verify, name="award_verify"),
    path("badges/awards/<uuid:uid>/badge.png", views.award_baked_png, name="award_baked_png"),
    path("badges/awards/<uuid:uid>/badge.svg", views.award_baked_svg, name="award_baked_svg"),
    path("profiles/<slug:slug>/", views.public_profile, name="public_profile"),
]
