from django.urls import path

from curriculum import views

app_name = "curriculum"

# Framework and item URLs are public and permanent: badges point at them.
urlpatterns = [
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<slug:slug>/<str:version>/", views.framework_detail, name="framework_detail"),
    path(
        "frameworks/<slug:slug>/<str:version>/items/<str:code>/",
        views.item_detail,
        name="item_detail",
    ),
    path("organisations/<slug:slug>/programmes/", views.programme_list, name="programme_list"),
    path(
        "organisations/<slug:slug>/programmes/new/", views.programme_create, name="programme_create"
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/",
        views.programme_detail,
        name="programme_detail",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/edit/",
        views.programme_edit,
        name="programme_edit",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/enrolments/new/",
        views.enrolment_create,
        name="enrolment_create",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/enrolments/<int:enrolment_id>/end/",
        views.enrolment_end,
        name="enrolment_end",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/requirements/new/",
        views.requirement_create,
        name="requirement_create",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/requirements/bulk/",
        views.requirement_bulk,
        name="requirement_bulk",
    ),
    path(
        "organisations/<slug:slug>/programmes/<int:programme_id>/requirements/<int:requirement_id>/delete/",
        views.requirement_delete,
        name="requirement_delete",
    ),
]
