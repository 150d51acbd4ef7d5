from django.urls import path

from teaching import views

app_name = "teaching"

org = "organisations/<slug:slug>/teaching/"

urlpatterns = [
    # Trainees
    path("check-in/", views.check_in, name="check_in"),
    # Organisation admins: programmes, sessions and registers
    path(org, views.programme_list, name="programmes"),
    path(f"{org}new/", views.programme_create, name="programme_create"),
    path(f"{org}<int:programme_id>/", views.programme_detail, name="programme_detail"),
    path(f"{org}<int:programme_id>/sessions/new/", views.session_create, name="session_create"),
    path(f"{org}sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path(f"{org}sessions/<int:session_id>/register/", views.register, name="register"),
]
