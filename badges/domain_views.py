"""The buttons of the issuer page's "Verify your domain" card, for the organisation's
admins: check now, and make a new token. Both answer by going back to the card."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from badges import selectors
from badges.services import issuer_domains


def _issuer_for_admin(user, slug):
    organisation = account_selectors.access_organisation_for_admin(user, slug)
    issuer = selectors.issuer_of(organisation)
    if issuer is None:
        raise Http404("This organisation has no issuer profile yet.")
    return issuer


def _back_to_card(slug):
    return redirect(reverse("badges:org_issuer_edit", args=[slug]) + "#domain")


@login_required
@require_POST
def issuer_domain_check(request, slug):
    issuer = _issuer_for_admin(request.user, slug)
    try:
        result = issuer_domains.check_now(issuer=issuer, actor=request.user)
    except issuer_domains.CheckTooSoon as too_soon:
        messages.error(request, str(too_soon))
    else:
        (messages.success if result.verified else messages.error)(request, result.message)
    return _back_to_card(slug)


@login_required
@require_POST
def issuer_domain_token(request, slug):
    issuer = _issuer_for_admin(request.user, slug)
    issuer_domains.regenerate_token(issuer=issuer, actor=request.user)
    messages.success(request, "A new token is ready: publish it, then check.")
    return _back_to_card(slug)
