from django.urls import path

from reviews import views, views_manage

app_name = "reviews"

manage = "organisations/<slug:slug>/programmes/<int:programme_id>/review/"

urlpatterns = [
    # Trainees and their supervisors
    path("reviews/", views.own_reviews, name="own"),
    path("trainees/<int:trainee_id>/reviews/", views.trainee_reviews, name="trainee"),
    path("reviews/enrolments/<int:enrolment_id>/", views.forecast, name="forecast"),
    path(
        "reviews/enrolments/<int:enrolment_id>/reports/new/",
        views.report_start,
        name="report_start",
    ),
    path("reviews/reports/<int:report_id>/", views.report, name="report"),
    # Organisation admins
    path("organisations/<slug:slug>/reviews/", views_manage.programmes, name="programmes"),
    path(manage, views_manage.manage, name="manage"),
    path(f"{manage}requirements/", views_manage.requirement_add, name="requirement_add"),
    path(
        f"{manage}requirements/<int:requirement_id>/remove/",
        views_manage.requirement_remove,
        name="requirement_remove",
    ),
    path(f"{manage}questions/", views_manage.questions, name="questions"),
    path(
        f"{manage}enrolments/<int:enrolment_id>/date/",
        views_manage.review_date,
        name="review_date",
    ),
]
