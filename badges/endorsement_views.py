"""Endorsements' pages and public documents.

For the admins of an endorsing organisation: the endorsements its issuer has given, a form
to endorse another issuer or one of its badge classes, and withdrawing one after a
confirmation page. For anyone: an endorsement's Open Badges 2.0 Endorsement (410 Gone once
withdrawn) and its Open Badges 3.0 EndorsementCredential, as signed (withdrawal is its
status list's to say), and an issuer's public page with the endorsements it holds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control

from accounts import selectors as account_selectors
from badges import endorsement_selectors as selectors
from badges import openbadges, trust
from badges import selectors as badge_selectors
from badges.endorsement_forms import EndorsementForm, WithdrawEndorsementForm
from badges.models import BadgeClass, Issuer
from badges.services import endorsements
from core.errors import StateConflict
from core.forms import apply_errors, form_data, submitted
from core.site import public_document

JSON_LD = "application/ld+json"

# --- The endorser's admins -----------------------------------------------------------------------


@login_required
def endorsement_list(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    issuer = badge_selectors.issuer_of(organisation)
    return render(
        request,
        "badges/manage/endorsement_list.html",
        {
            "organisation": organisation,
            "issuer": issuer,
            "endorsements": selectors.endorsements_given_by(organisation),
        },
    )


@login_required
def endorsement_create(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    issuer = badge_selectors.issuer_of(organisation)
    if issuer is None:
        messages.info(request, "Set up your issuer profile first: every endorsement names it.")
        return redirect("badges:org_issuer_edit", slug=slug)
    form = EndorsementForm(form_data(request), endorser=issuer)
    if endorsement := submitted(
        form,
        lambda data: endorsements.endorse(
            actor=request.user, endorser=issuer, target=data["target"], claim=data["claim"]
        ),
    ):
        messages.success(request, f"{issuer.name} endorses “{endorsement.target}”.")
        return redirect("badges:org_endorsements", slug=slug)
    return render(
        request,
        "badges/manage/endorsement_form.html",
        {"organisation": organisation, "issuer": issuer, "form": form},
    )


@login_required
def endorsement_withdraw(request, slug, endorsement_id):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    endorsement = selectors.access_endorsement_for_admin(organisation, endorsement_id)
    listed = redirect("badges:org_endorsements", slug=slug)
    form = WithdrawEndorsementForm(form_data(request))
    try:
        endorsements.check_withdrawable(endorsement)
        if request.method == "POST" and form.is_valid():
            endorsements.withdraw_endorsement(
                actor=request.user, endorsement=endorsement, reason=form.cleaned_data["reason"]
            )
            messages.success(request, f"The endorsement of “{endorsement.target}” is withdrawn.")
            return listed
    except StateConflict as conflict:
        messages.info(request, str(conflict))
        return listed
    except ValidationError as error:
        apply_errors(form, error)
    return render(
        request,
        "badges/manage/endorsement_withdraw.html",
        {"organisation": organisation, "endorsement": endorsement, "form": form},
    )


# --- Public ---------------------------------------------------------------------------------------


@cache_control(no_cache=True)
def ob_endorsement(request, uid):
    """The hosted Endorsement; a withdrawn one answers 410 Gone with the reason, as a
    revoked assertion does."""
    endorsement = selectors.access_public_endorsement(uid)
    if endorsement.withdrawn_at:
        document, status = openbadges.withdrawn_endorsement_document(endorsement), 410
    else:
        document, status = openbadges.endorsement_document(endorsement), 200
    return public_document(document, status=status, content_type=JSON_LD)


# Signed once and never changed; withdrawal is the endorser's status list's to say.
@cache_control(max_age=3600, public=True)
def endorsement_credential(request, uid):
    endorsement = selectors.access_public_endorsement(uid)
    return public_document(endorsement.credential, content_type=JSON_LD)


@cache_control(max_age=3600, public=True)
def endorsement_credential_jwt(request, uid):
    endorsement = selectors.access_public_endorsement(uid)
    response = HttpResponse(endorsement.credential_jwt, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer_detail(request, issuer_id):
    """An issuer's public page: who it is, its standing, the badges it awards and the
    endorsements it holds from other issuers."""
    issuer = get_object_or_404(Issuer.objects.select_related(*trust.related()), pk=issuer_id)
    return render(
        request,
        "badges/issuer_detail.html",
        {
            "issuer": issuer,
            "badge_classes": BadgeClass.objects.filter(issuer=issuer, is_active=True).order_by(
                "name", "pk"
            ),
            "endorsements": selectors.public_endorsements_of_issuer(issuer),
            "document_url": openbadges.issuer_url(issuer),
        },
    )
