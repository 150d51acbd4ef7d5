from django.urls import path

from integrations.ob_api import views

app_name = "ob_api"

urlpatterns = [
    path("discovery", views.DiscoveryView.as_view(), name="discovery"),
    path("credentials", views.CredentialsView.as_view(), name="credentials"),
    path("profile", views.ProfileView.as_view(), name="profile"),
]
