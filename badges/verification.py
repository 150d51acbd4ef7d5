"""Public, unauthenticated views: Open Badges documents, badge images, baked badges, and
the human verification page. Anyone with a badge link can check it without an account."""

import hmac
import json

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from badges import achievements, images, openbadges, openbadges_trust, selectors, trust
from badges.endorsement_selectors import public_endorsements_of_badge_class
from badges.models import Award, BadgeClass, Issuer, OpenBadgeCredential
from badges.ob3 import issuing
from badges.ob3 import urls as ob3_urls
from core.site import public_document

JSON_LD = "application/ld+json"


def ld_response(document: dict, status: int = 200):
    return public_document(document, status=status, content_type=JSON_LD)


def _award(uid) -> Award:
    return get_object_or_404(
        Award.objects.select_related(
            "badge_class__issuer",
            "recipient",
            "awarded_by",
            *trust.related("badge_class__issuer"),
        ),
        uid=uid,
    )


@cache_control(max_age=300, public=True)
def ob_issuer(request, issuer_id):
    issuer = get_object_or_404(Issuer.objects.select_related(*trust.related()), pk=issuer_id)
    return ld_response(openbadges.issuer_document(issuer))


# The extension's context and schema change only with Waymark itself.
@cache_control(max_age=86400, public=True)
def ob_issuer_trust_context(request):
    return ld_response(openbadges_trust.context_document())


@cache_control(max_age=86400, public=True)
def ob_issuer_trust_schema(request):
    return public_document(openbadges_trust.schema_document())


@cache_control(max_age=300, public=True)
def ob_badge_class(request, badge_class_id):
    badge_class = get_object_or_404(BadgeClass.objects.select_related("issuer"), pk=badge_class_id)
    return ld_response(openbadges.badge_class_document(badge_class))


@cache_control(no_cache=True)
def award_assertion(request, uid):
    """The hosted assertion; a revoked one answers 410 Gone with the reason, as the spec
    asks, so every verifier learns of the revocation."""
    award = _award(uid)
    if award.revoked_at:
        return ld_response(openbadges.revoked_document(award), status=410)
    return ld_response(openbadges.assertion_document(award))


@cache_control(max_age=3600, public=True)
def issuer_image(request, issuer_id):
    issuer = get_object_or_404(Issuer, pk=issuer_id)
    if not issuer.image:
        raise Http404("This issuer has no logo.")
    with issuer.image.open("rb") as logo:
        return HttpResponse(logo.read(), content_type="image/png")


@cache_control(max_age=3600, public=True)
def badge_class_image(request, badge_class_id):
    badge_class = get_object_or_404(BadgeClass, pk=badge_class_id)
    if badge_class.image:
        return HttpResponse(images.badge_png(badge_class), content_type="image/png")
    return HttpResponse(images.badge_svg(badge_class), content_type="image/svg+xml")


def _baked(award: Award, content: bytes | str, content_type: str, extension: str) -> HttpResponse:
    if award.revoked_at:
        raise Http404("This badge has been revoked.")
    response = HttpResponse(content, content_type=content_type)
    slug = award.badge_class.slug
    response["Content-Disposition"] = f'attachment; filename="{slug}.{extension}"'
    return response


def award_baked_png(request, uid):
    award = _award(uid)
    png = images.bake_png(images.badge_png(award.badge_class), openbadges.assertion_url(award))
    return _baked(award, png, "image/png", "png")


def award_baked_svg(request, uid):
    award = _award(uid)
    svg = images.bake_svg(images.badge_svg(award.badge_class), openbadges.assertion_url(award))
    return _baked(award, svg, "image/svg+xml", "svg")


def badge_class_detail(request, badge_class_id):
    badge_class = get_object_or_404(
        BadgeClass.objects.select_related("issuer", *trust.related("issuer")), pk=badge_class_id
    )
    return render(
        request,
        "badges/badge_class_detail.html",
        {
            "badge_class": badge_class,
            "alignments": badge_class.alignments.select_related("framework"),
            "document_url": openbadges.badge_class_url(badge_class),
            **public_endorsements_of_badge_class(badge_class),
        },
    )


class RecipientCheckForm(forms.Form):
    email = forms.EmailField(
        label="Email address", help_text="Is this badge issued to this address?"
    )


def ob3_credential(award: Award) -> OpenBadgeCredential | None:
    """The award's Open Badges 3.0 credential, signed now for an award made before Waymark
    issued them; none for a revoked award that never had one."""
    try:
        return issuing.credential_for(award)
    except issuing.NotIssuable:
        return None


@require_http_methods(["GET", "POST"])
def award_verify(request, uid):
    """What a person sees when they follow a badge link: who issued it, to whom (if the
    trainee made it public), for what, and whether it still stands."""
    award = _award(uid)
    form = RecipientCheckForm(request.POST if request.method == "POST" else None)
    is_recipient = None
    if request.method == "POST" and form.is_valid():
        typed = openbadges.hashed_identity(form.cleaned_data["email"], award.salt)
        stored = openbadges.hashed_identity(award.recipient_email, award.salt)
        is_recipient = hmac.compare_digest(typed, stored)
    status = "revoked" if award.revoked_at else "expired" if award.is_expired else "valid"
    credential = ob3_credential(award)
    return render(
        request,
        "badges/verify.html",
        {
            "award": award,
            "badge_class": award.badge_class,
            "alignments": award.badge_class.alignments.select_related("framework"),
            "status": status,
            "how_earned": achievements.describe(award),
            "form": form,
            "is_recipient": is_recipient,
            "assertion_url": openbadges.assertion_url(award),
            "credential": credential,
            "credential_json": json.dumps(credential.document, indent=2, ensure_ascii=False)
            if credential
            else "",
            "credential_url": ob3_urls.credential_url(award),
            "credential_jwt_url": ob3_urls.credential_jwt_url(award),
            **public_endorsements_of_badge_class(award.badge_class),
        },
        status=410 if award.revoked_at else 200,
    )


def public_profile(request, slug):
    """The badges a trainee chose to show, on the page they chose to switch on."""
    profile = selectors.access_public_profile(slug)
    return render(
        request,
        "badges/public_profile.html",
        {
            "profile": profile,
            "awards": selectors.public_awards_of(profile.user),
            "external_badges": selectors.public_external_badges_of(profile.user),
        },
    )
