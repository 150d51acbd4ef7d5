from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("curriculum.urls")),
    path("", include("portfolio.urls")),
    path("", include("assessments.urls")),
    path("", include("reviews.urls")),
    path("", include("teaching.urls")),
    path("", include("badges.urls")),
    path("", include("passport.urls")),
    path("", include("exports.urls")),
    path("", include("audit.urls")),
    path("", include("integrations.urls")),
    path("", include("integrations.xapi.urls")),
    path("oauth/", include("integrations.oauth_urls")),
    # The Open Badges 3.0 API, at the path the specification gives it.
    path("ims/ob/v3p0/", include("integrations.ob_api.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include(("config.api", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
