"""The notifications list, opening one, marking them read, the unread count in the
navigation, and the preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.selectors import roles_of_request
from core.forms import form_data, submitted
from notifications import selectors, services
from notifications.forms import PreferencesForm

PAGE_SIZE = 25


@login_required
@require_safe
def notification_list(request):
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_open(request, notification_id):
    """Marks it read and goes to the page it is about (a POST: opening changes state)."""
    notification = selectors.access_notification(request.user, notification_id)
    services.mark_read(notification=notification, actor=request.user)
    # Notifications only ever name pages of this site; anything else goes to the list.
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications:list")


@require_safe
def unread_badge(request):
    """The count beside "Notifications" in the navigation, fetched by htmx once a page has
    loaded, so that no page pays a query for it while it renders. Signed out meanwhile: 204,
    which htmx leaves unswapped (a redirect would put the sign-in page into the menu)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    # Without the request's context: the navigation's context processors are not needed.
    return HttpResponse(
        render_to_string(
            "notifications/_unread.html", {"unread": selectors.unread_count(request.user)}
        )
    )


@login_required
def preferences(request):
    chosen = selectors.preferences_of(request.user, roles_of_request(request))
    form = PreferencesForm(form_data(request), preferences=chosen)
    saved = submitted(
        form,
        lambda data: services.set_preferences(
            actor=request.user,
            user=request.user,
            deliveries=form.deliveries(),
            daily_digest=data.get("daily_digest") if "daily_digest" in form.fields else None,
        ),
    )
    if saved:
        messages.success(request, "Your notification choices are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
