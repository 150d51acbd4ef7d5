from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from badges import api as badges_api  # noqa: F401
from config import views
from config.api import router
from curriculum import api as curriculum_api  # noqa: F401  (registers its viewsets)
from portfolio import api as portfolio_api  # noqa: F401

# Each app's api module registers its viewsets on the shared router when imported above.
api_urlpatterns = [*accounts_api.urlpatterns, *router.urls]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("curriculum.urls")),
    path("", include("portfolio.urls")),
    path("", include("badges.public_urls")),
    path("", include("badges.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
