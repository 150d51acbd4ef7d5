"""The bench's URLs: the site's own, plus the floor every page is measured against.

The floor is a signed-in request that does nothing: the middleware, the session and the
user, and no view work. Anything a page costs above it is the page's own. The bench sets
ROOT_URLCONF to this module in its own process only; the site never serves it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/bench/floor/"


@login_required
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor, name="bench_floor"), *site_urlpatterns]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
