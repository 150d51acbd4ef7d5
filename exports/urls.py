from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("exports/", views.export_page, name="export_page"),
    path("exports/<int:export_id>/status/", views.export_status, name="export_status"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
]
