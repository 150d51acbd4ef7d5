from django.urls import path

from portfolio.views import coverage, dashboard, entries, evidence, sign_off

app_name = "portfolio"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("coverage/", coverage.my_coverage, name="my_coverage"),
    path("coverage/<int:trainee_id>/<int:programme_id>/", coverage.coverage, name="coverage"),
    path("trainees/", coverage.supervised_trainees, name="supervised_trainees"),
    path("entries/", entries.event_list, name="event_list"),
    path("entries/new/", entries.event_create, name="event_create"),
    path("entries/<int:event_id>/", entries.event_detail, name="event_detail"),
    path("entries/<int:event_id>/edit/", entries.event_edit, name="event_edit"),
    path("entries/<int:event_id>/autosave/", entries.event_autosave, name="event_autosave"),
    path("entries/<int:event_id>/delete/", entries.event_delete, name="event_delete"),
    path("entries/<int:event_id>/submit/", sign_off.event_submit, name="event_submit"),
    path("entries/<int:event_id>/recall/", sign_off.event_recall, name="event_recall"),
    path("entries/<int:event_id>/decide/", sign_off.event_decide, name="event_decide"),
    path("entries/<int:event_id>/withdraw/", sign_off.event_withdraw, name="event_withdraw"),
    path("entries/<int:event_id>/evidence/", evidence.evidence_add, name="evidence_add"),
    path(
        "evidence/<int:evidence_id>/download/", evidence.evidence_download, name="evidence_download"
    ),
    path(
        "evidence/<int:evidence_id>/thumbnail/",
        evidence.evidence_download,
        {"thumbnail": True},
        name="evidence_thumbnail",
    ),
    path("evidence/<int:evidence_id>/delete/", evidence.evidence_delete, name="evidence_delete"),
    path("sign-off/", sign_off.sign_off_queue, name="sign_off_queue"),
    path(
        "organisations/<slug:slug>/sign-offs/",
        sign_off.organisation_sign_offs,
        name="organisation_sign_offs",
    ),
    path(
        "organisations/<slug:slug>/sign-offs/<int:sign_off_id>/withdraw/",
        sign_off.organisation_sign_off_withdraw,
        name="organisation_sign_off_withdraw",
    ),
]
