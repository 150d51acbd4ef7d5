from django.urls import path

from passport import views

app_name = "passport"

manage = "organisations/<slug:slug>/passport/"

urlpatterns = [
    path("passport/", views.mine, name="mine"),
    # Organisation admins
    path(manage, views.manage, name="manage"),
    path(f"{manage}acceptances/", views.acceptance_add, name="acceptance_add"),
    path(
        f"{manage}acceptances/<int:acceptance_id>/remove/",
        views.acceptance_remove,
        name="acceptance_remove",
    ),
    path(f"{manage}compliance/", views.compliance, name="compliance"),
    path(f"{manage}compliance.csv", views.compliance_csv, name="compliance_csv"),
]
