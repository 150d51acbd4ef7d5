"""Pages for xAPI intake: a trainee's connected providers, and a provider's integrations
page where its admins manage the key and secret its systems send statements with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import access_organisation_for_admin
from core.forms import form_data, submitted
from core.site import absolute_url
from integrations.xapi import selectors, services
from integrations.xapi.forms import ConnectProviderForm


@login_required
@require_http_methods(["GET", "POST"])
def providers(request):
    user = request.user
    form = ConnectProviderForm(form_data(request))
    connection = submitted(
        form, lambda data: services.connect_provider(user=user, actor=user, **data)
    )
    if connection:
        messages.success(
            request, f"{connection.organisation} can now send your completions to Waymark."
        )
        return redirect("xapi:providers")
    return render(
        request,
        "integrations/xapi/providers.html",
        {"form": form, "connections": selectors.provider_connections_of(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def provider_disconnect(request, slug):
    """GET asks for confirmation; POST disconnects. A provider not connected is a 404."""
    connection = selectors.access_provider_connection(request.user, slug)
    if request.method == "POST":
        services.disconnect_provider(connection=connection, actor=request.user)
        messages.success(request, f"{connection.organisation} can no longer add to your portfolio.")
        return redirect("xapi:providers")
    return render(request, "integrations/xapi/provider_disconnect.html", {"connection": connection})


def _integrations_page(request, organisation, *, secret=None, credential=None):
    return render(
        request,
        "integrations/xapi/organisation_integrations.html",
        {
            "organisation": organisation,
            "endpoint": absolute_url(reverse("xapi:about").removesuffix("about")),
            "oauth_metadata": absolute_url(reverse("integrations:oauth_metadata")),
            "is_provider": organisation.kind == organisation.Kind.ELEARNING_PROVIDER,
            "credentials": selectors.credentials_of(organisation),
            "new_credential": credential,
            "secret": secret,
        },
    )


@never_cache
@login_required
def organisation_integrations(request, slug):
    organisation = access_organisation_for_admin(request.user, slug)
    return _integrations_page(request, organisation)


@never_cache
@login_required
@require_POST
def credential_create(request, slug):
    """The secret is on this answer alone, which no cache may keep."""
    organisation = access_organisation_for_admin(request.user, slug)
    try:
        credential, secret = services.create_credential(
            organisation=organisation, actor=request.user
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("xapi:organisation_integrations", slug=slug)
    return _integrations_page(request, organisation, secret=secret, credential=credential)


@never_cache
@login_required
@require_POST
def credential_rotate(request, slug, credential_id):
    organisation = access_organisation_for_admin(request.user, slug)
    old = selectors.access_credential(organisation, credential_id)
    credential, secret = services.rotate_credential(credential=old, actor=request.user)
    return _integrations_page(request, organisation, secret=secret, credential=credential)


@login_required
@require_POST
def credential_revoke(request, slug, credential_id):
    organisation = access_organisation_for_admin(request.user, slug)
    credential = selectors.access_credential(organisation, credential_id)
    services.revoke_credential(credential=credential, actor=request.user)
    messages.success(request, f"Key {credential.key} no longer works.")
    return redirect("xapi:organisation_integrations", slug=slug)
