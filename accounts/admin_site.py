"""The admin's door is the front door: staff sign in through allauth, with its rate limits and
two-factor step, and the admin opens only to a session that passed a second factor."""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def passed_second_factor(request) -> bool:
    """Whether this session's sign-in (or a later re-authentication) included a second
    factor. allauth keeps the steps of each sign-in in the session."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class StaffAdminSite(admin.AdminSite):
    site_header = "Waymark support"
    site_title = "Waymark support"

    def has_permission(self, request):
        return super().has_permission(request) and passed_second_factor(request)

    def login(self, request, extra_context=None):
        """Never a sign-in form of its own (that would skip allauth's limits and MFA):
        anonymous visitors go to allauth's sign-in, staff without a second factor are sent
        to set one up or to give it."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied("This part of Waymark is for support staff.")
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                "Staff accounts need two-factor authentication before they can open the "
                "admin. Set it up here, then open the admin again.",
            )
            return redirect("mfa_index")
        if not passed_second_factor(request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
        return redirect(next_url)
