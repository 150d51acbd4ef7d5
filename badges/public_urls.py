"""Public addresses of badges. They are printed into issued credentials, so they never change."""

from django.urls import path

from badges import endorsement_views as endorsements
from badges import verification as views
from badges.ob3 import views as ob3

urlpatterns = [
    path("ob/v2/issuers/<int:issuer_id>", views.ob_issuer, name="ob_issuer"),
    # The Open Badges 2.0 extension issuers' documents carry their trust in.
    path(
        "ob/v2/extensions/issuer-trust/context.json",
        views.ob_issuer_trust_context,
        name="ob_issuer_trust_context",
    ),
    path(
        "ob/v2/extensions/issuer-trust/schema.json",
        views.ob_issuer_trust_schema,
        name="ob_issuer_trust_schema",
    ),
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
    # Open Badges 3.0
    path("ob/v3/issuers/<int:issuer_id>", ob3.ob3_issuer, name="ob3_issuer"),
    path("ob/v3/credentials/<uuid:uid>", ob3.award_credential, name="award_credential"),
    path("ob/v3/credentials/<uuid:uid>.jwt", ob3.award_credential_jwt, name="award_credential_jwt"),
    path("ob/v3/status-lists/<int:list_id>", ob3.ob3_status_list, name="ob3_status_list"),
    path(
        "badges/awards/<uuid:uid>/badge-ob3.png",
        ob3.award_baked_ob3_png,
        name="award_baked_ob3_png",
    ),
    path(
        "badges/awards/<uuid:uid>/badge-ob3.svg",
        ob3.award_baked_ob3_svg,
        name="award_baked_ob3_svg",
    ),
    path("badges/verify/", ob3.verify_credential, name="verify_credential"),
    # Endorsements, and the public page of an issuer that shows those it holds
    path("ob/v2/endorsements/<uuid:uid>", endorsements.ob_endorsement, name="ob_endorsement"),
    path(
        "ob/v3/endorsements/<uuid:uid>",
        endorsements.endorsement_credential,
        name="endorsement_credential",
    ),
    path(
        "ob/v3/endorsements/<uuid:uid>.jwt",
        endorsements.endorsement_credential_jwt,
        name="endorsement_credential_jwt",
    ),
    path("badges/issuers/<int:issuer_id>/", endorsements.issuer_detail, name="issuer_detail"),
    path("profiles/<slug:slug>/", views.public_profile, name="public_profile"),
]
