"""Public, unauthenticated Open Badges 3.0 views: the issuer's profile with its keys, an
award's credential (JSON-LD and VC-JWT), baked images, the status lists, and the "verify a
credential" page."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from badges import images, trust
from badges.models import Award, Issuer, StatusList
from badges.ob3 import baking, issuing, profiles, verifying
from core.site import public_document

JSON_LD = "application/ld+json"


def award_and_credential(uid):
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer"), uid=uid)
    try:
        return award, issuing.credential_for(award)
    except issuing.NotIssuable as error:
        raise Http404(str(error)) from error


# Short, so that a rotated-in key is published before many credentials signed with it are
# checked against a cached copy of the profile.
@cache_control(max_age=60, public=True)
def ob3_issuer(request, issuer_id):
    issuer = get_object_or_404(Issuer.objects.select_related(*trust.related()), pk=issuer_id)
    return public_document(profiles.profile_document(issuer), content_type=JSON_LD)


# A signed credential never changes once issued; revocation is the status list's to say.
@cache_control(max_age=3600, public=True)
def award_credential(request, uid):
    _award, credential = award_and_credential(uid)
    return public_document(credential.document, content_type=JSON_LD)


@cache_control(max_age=3600, public=True)
def award_credential_jwt(request, uid):
    _award, credential = award_and_credential(uid)
    response = HttpResponse(credential.jwt, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Short-lived in caches, so that a revocation reaches verifiers within a minute; verifiers
# that hold a copy revalidate cheaply with If-Modified-Since.
@cache_control(max_age=60, public=True, must_revalidate=True)
def ob3_status_list(request, list_id):
    place = get_object_or_404(StatusList.objects.select_related("issuer"), pk=list_id)
    response = public_document(issuing.signed_status_list(place), content_type=JSON_LD)
    response["Last-Modified"] = http_date(place.updated_at.timestamp())
    return response


def _baked(award: Award, content, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"{award.badge_class.slug}-ob3.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def award_baked_ob3_png(request, uid):
    award, credential = award_and_credential(uid)
    png = baking.bake_png(images.badge_png(award.badge_class), credential.document)
    return _baked(award, png, "image/png", "png")


def award_baked_ob3_svg(request, uid):
    award, credential = award_and_credential(uid)
    svg = baking.bake_svg(images.badge_svg(award.badge_class), credential.document)
    return _baked(award, svg, "image/svg+xml", "svg")


class VerifyCredentialForm(forms.Form):
    credential = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Paste an Open Badges 3.0 credential: JSON, or a JWT.",
    )
    image = forms.FileField(
        required=False,
        label="Or a baked badge image",
        help_text="A PNG or SVG with an Open Badges 3.0 credential baked into it.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    email = forms.EmailField(
        required=False,
        label="Recipient's email address",
        help_text="Optional. Checks whether the credential was issued to this address.",
    )

    def clean(self):
        data = super().clean()
        try:
            data["text"] = verifying.credential_text(
                text=data.get("credential") or "", image=data.get("image") or None
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


@require_http_methods(["GET", "POST"])
def verify_credential(request):
    """Anyone can check a credential here, from this site or another issuer."""
    form = VerifyCredentialForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    report = None
    if request.method == "POST" and form.is_valid():
        report = verifying.verify(form.cleaned_data["text"], email=form.cleaned_data["email"])
    return render(request, "badges/verify_credential.html", {"form": form, "report": report})
