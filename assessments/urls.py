from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/new/<int:form_id>/", views.assessment_start, name="start"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("assessments/<int:assessment_id>/edit/", views.assessment_edit, name="edit"),
    path("assessments/<int:assessment_id>/request/", views.assessment_request, name="request"),
    path("assessments/<int:assessment_id>/revoke/", views.assessment_revoke, name="revoke"),
    path("assessments/<int:assessment_id>/complete/", views.assessment_complete, name="complete"),
    # Public: the one-time link emailed to an assessor without an account.
    path("assess/<str:token>/", views.ticket, name="ticket"),
]
