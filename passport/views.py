"""The trainee's passport, and organisation admins' pages: what the organisation accepts for
each subject, and its trainees' compliance, as a page and as CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import form_data, submitted
from passport import export, selectors, services
from passport.forms import AcceptanceForm

PAGE_SIZE = 25


@login_required
def mine(request):
    passport = selectors.passport_of(request.user, today=timezone.localdate())
    return render(request, "passport/passport.html", {"passport": passport})


def _manage_page(request, organisation, form, status=200):
    acceptances = list(selectors.acceptances_of(organisation))
    by_subject = [
        (subject, [a for a in acceptances if a.subject_id == subject.pk])
        for subject in selectors.subjects()
    ]
    return render(
        request,
        "passport/manage.html",
        {
            "organisation": organisation,
            "by_subject": by_subject,
            "required": len({a.subject_id for a in acceptances}),
            "form": form,
        },
        status=status,
    )


@login_required
def manage(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    return _manage_page(request, organisation, AcceptanceForm())


@login_required
@require_POST
def acceptance_add(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    form = AcceptanceForm(request.POST)
    if acceptance := submitted(
        form,
        lambda data: services.accept(actor=request.user, organisation=organisation, **data),
    ):
        messages.success(
            request, f"{organisation} accepts “{acceptance.label}” for {acceptance.subject}."
        )
        return redirect("passport:manage", slug=slug)
    return _manage_page(request, organisation, form)


@login_required
def acceptance_remove(request, slug, acceptance_id):
    """A confirmation page, then the removal."""
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    acceptance = selectors.access_acceptance(organisation, acceptance_id)
    if form_data(request) is not None:
        services.remove_acceptance(actor=request.user, acceptance=acceptance)
        messages.success(
            request,
            f"{organisation} no longer accepts “{acceptance.label}” for {acceptance.subject}.",
        )
        return redirect("passport:manage", slug=slug)
    return render(
        request,
        "passport/acceptance_remove.html",
        {"organisation": organisation, "acceptance": acceptance},
    )


@login_required
def compliance(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    today = timezone.localdate()
    page = Paginator(selectors.trainees_of(organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    grid = selectors.compliance_grid(organisation, page.object_list, today=today)
    return render(
        request,
        "passport/compliance.html",
        {"organisation": organisation, "page": page, "grid": grid, "today": today},
    )


@login_required
def compliance_csv(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    today = timezone.localdate()
    response = StreamingHttpResponse(
        export.lines(organisation, today=today), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{organisation.slug}-mandatory-training-{today.isoformat()}.csv"'
    )
    return response
