from django.urls import path

from portfolio.views import (
    coverage,
    dashboard,
    entries,
    evidence,
    reading_lists,
    sign_off,
    supervision,
    verification,
)

app_name = "portfolio"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("coverage/", coverage.my_coverage, name="my_coverage"),
    path("coverage/<int:trainee_id>/<int:programme_id>/", coverage.coverage, name="coverage"),
    path("trainees/", coverage.supervised_trainees, name="supervised_trainees"),
    path("trainees/<int:trainee_id>/", supervision.trainee_portfolio, name="trainee_portfolio"),
    path("trainees/<int:trainee_id>/entries/", supervision.trainee_entries, name="trainee_entries"),
    path("entries/", entries.entry_list, name="entry_list"),
    path("entries/new/", entries.entry_create, name="entry_create"),
    path("entries/reading-list/", reading_lists.reading_list_upload, name="reading_list_upload"),
    path(
        "entries/reading-list/import/",
        reading_lists.reading_list_import,
        name="reading_list_import",
    ),
    path("entries/<int:entry_id>/", entries.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/edit/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/autosave/", entries.entry_autosave, name="entry_autosave"),
    path("entries/<int:entry_id>/delete/", entries.entry_delete, name="entry_delete"),
    path("entries/<int:entry_id>/submit/", sign_off.entry_submit, name="entry_submit"),
    path("entries/<int:entry_id>/recall/", sign_off.entry_recall, name="entry_recall"),
    path("entries/<int:entry_id>/decide/", sign_off.entry_decide, name="entry_decide"),
    path("entries/<int:entry_id>/withdraw/", sign_off.entry_withdraw, name="entry_withdraw"),
    path("entries/<int:entry_id>/evidence/", evidence.evidence_add, name="evidence_add"),
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
    path("sign-off/approve/", supervision.sign_off_batch, name="sign_off_batch"),
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
    # Short, as they are printed: a sign-off's public confirmation and its QR code.
    path("v/<str:token>/", verification.sign_off_check, name="sign_off_check"),
    path("v/<str:token>/qr.svg", verification.sign_off_qr_code, name="sign_off_qr_code"),
]
