from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import AuthorizationView

from core.forms import form_data, submitted
from integrations import selectors, services
from integrations.forms import ApplicationForm
from integrations.scopes import in_words


class ConsentView(AuthorizationView):
    """The toolkit's authorization endpoint, with Waymark's consent page."""

    template_name = "integrations/authorize.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        application = getattr(response, "context_data", None) and response.context_data.get(
            "application"
        )
        if application:
            # Allowing the app answers with a redirect to it, and browsers hold a form's
            # redirects to the page's form-action policy too: let it reach the app's
            # registered addresses, and nowhere else.
            response._csp_update = {"form-action": application.redirect_uris.split()}
        return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def developer_apps(request):
    """The apps a person registered, and a form to register another. The new app's secret
    is on the answer to the POST alone, which no cache may keep."""
    user = request.user
    form = ApplicationForm(form_data(request), user=user)
    created = submitted(
        form,
        lambda data: services.register_application(owner=user, actor=user, **data),
    )
    if created:
        application, secret = created
        return render(
            request,
            "integrations/app_created.html",
            {"application": application, "secret": secret},
        )
    return render(
        request,
        "integrations/developer_apps.html",
        {"form": form, "applications": selectors.applications_registered_by(user)},
    )


@login_required
def connected_apps(request):
    connections = [
        (connection, in_words(connection.scope))
        for connection in selectors.connections_of(request.user)
    ]
    return render(request, "integrations/connected_apps.html", {"connections": connections})


@login_required
@require_http_methods(["GET", "POST"])
def connection_revoke(request, connection_id):
    """GET asks for confirmation; POST revokes. Another person's connection is a 404."""
    connection = selectors.access_connection(request.user, connection_id)
    if request.method == "POST":
        services.revoke_connection(connection=connection, actor=request.user)
        messages.success(
            request, f"{connection.application.name} can no longer use your portfolio."
        )
        return redirect("integrations:connected_apps")
    return render(
        request,
        "integrations/connection_revoke.html",
        {"connection": connection, "scopes": in_words(connection.scope)},
    )
