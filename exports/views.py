"""The export page: ask for a PDF portfolio or the archive, watch it being made, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.forms import form_data, submitted
from exports import selectors, services
from exports.files import file_response
from exports.forms import PdfExportForm
from exports.models import Export


@login_required
def export_page(request):
    form = PdfExportForm(
        form_data(request) if request.POST.get("format") == Export.Format.PDF else None,
        trainee=request.user,
    )
    if request.method == "POST":
        wanted = request.POST.get("format")
        if wanted == Export.Format.ARCHIVE:
            services.request_export(actor=request.user, format=Export.Format.ARCHIVE)
            messages.success(request, "Your archive is being made. It will appear below.")
            return redirect("exports:export_page")
        made = submitted(
            form,
            lambda data: services.request_export(
                actor=request.user, format=Export.Format.PDF, chosen=form.chosen()
            ),
        )
        if made:
            messages.success(request, "Your PDF is being made. It will appear below.")
            return redirect("exports:export_page")
    return render(
        request,
        "exports/export_page.html",
        {"form": form, "exports": selectors.latest_exports_of(request.user)},
    )


@login_required
@require_safe
def export_status(request, export_id):
    """One export's progress, for the page to poll while it is being made."""
    export = selectors.access_own_export(request.user, export_id)
    return render(request, "exports/_status.html", {"export": export})


@login_required
@require_safe
def export_download(request, export_id):
    return file_response(selectors.access_own_export(request.user, export_id))
