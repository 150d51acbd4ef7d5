from django.urls import path

from portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("entries/", views.event_list, name="event_list"),
    path("entries/new/", views.event_create, name="event_create"),
    path("entries/<int:event_id>/", views.event_detail, name="event_detail"),
    path("entries/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("entries/<int:event_id>/autosave/", views.event_autosave, name="event_autosave"),
    path("entries/<int:event_id>/delete/", views.event_delete, name="event_delete"),
    path("entries/<int:event_id>/submit/", views.event_submit, name="event_submit"),
    path("entries/<int:event_id>/recall/", views.event_recall, name="event_recall"),
    path("entries/<int:event_id>/decide/", views.event_decide, name="event_decide"),
    path("entries/<int:event_id>/withdraw/", views.event_withdraw, name="event_withdraw"),
    path("entries/<int:event_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
    path(
        "evidence/<int:evidence_id>/thumbnail/",
        views.evidence_download,
        {"thumbnail": True},
        name="evidence_thumbnail",
    ),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("sign-off/", views.sign_off_queue, name="sign_off_queue"),
    path(
        "organisations/<slug:slug>/sign-offs/",
        views.organisation_sign_offs,
        name="organisation_sign_offs",
    ),
    path(
        "organisations/<slug:slug>/sign-offs/<int:sign_off_id>/withdraw/",
        views.organisation_sign_off_withdraw,
        name="organisation_sign_off_withdraw",
    ),
]
