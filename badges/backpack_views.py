"""The trainee's backpack: adding a badge issued elsewhere, its page with how it verified,
showing it on the public profile, and removing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from badges import selectors
from badges.forms import BackpackForm
from badges.services import external
from core.forms import form_data, form_files, submitted

ADDED = {
    external.CREATED: "“{}” is in your badges, verified.",
    external.REPLACED: "“{}” is updated from the newer copy, verified.",
    external.UNCHANGED: "You already had “{}”; it verified again.",
}


@login_required
def backpack_add(request):
    form = BackpackForm(form_data(request), form_files(request))
    upserted = submitted(
        form,
        lambda data: external.add_to_backpack(
            actor=request.user,
            trainee=request.user,
            url=data["url"] or None,
            upload=data["file"],
            text=data["credential"] or None,
            source="Added by you",
        ),
    )
    if upserted:
        messages.success(request, ADDED[upserted.outcome].format(upserted.badge.badge_name))
        return redirect("badges:external_badge_detail", uid=upserted.badge.uid)
    return render(request, "badges/backpack_add.html", {"form": form})


@login_required
def external_badge_detail(request, uid):
    badge = selectors.access_own_external_badge(request.user, uid)
    return render(request, "badges/external_badge.html", {"badge": badge})


@login_required
def external_badge_image(request, uid):
    """The image the badge came in. An SVG is served sandboxed: it came from elsewhere."""
    badge = selectors.access_own_external_badge(request.user, uid)
    if not badge.image:
        return HttpResponse(status=404)
    svg = badge.image.name.endswith(".svg")
    with badge.image.open("rb") as image:
        response = HttpResponse(image.read(), content_type="image/svg+xml" if svg else "image/png")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def external_badge_visibility(request, uid):
    badge = selectors.access_own_external_badge(request.user, uid)
    public = request.POST.get("public") == "1"
    try:
        external.set_external_badge_public(actor=request.user, badge=badge, public=public)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        where = "shown on" if public else "hidden from"
        messages.success(request, f"“{badge.badge_name}” is {where} your public profile.")
    return redirect("badges:external_badge_detail", uid=badge.uid)


@login_required
def external_badge_remove(request, uid):
    """A page that asks first; the badge goes only when that is confirmed."""
    badge = selectors.access_own_external_badge(request.user, uid)
    if request.method == "POST":
        external.remove_external_badge(actor=request.user, badge=badge)
        messages.success(request, f"“{badge.badge_name}” is removed from your badges.")
        return redirect("badges:my_badges")
    return render(request, "badges/external_badge_remove.html", {"badge": badge})
