"""Adding, removing and downloading evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.forms import submitted
from portfolio import selectors, services
from portfolio.evidence import file_response
from portfolio.forms import EvidenceForm
from portfolio.models import Evidence
from portfolio.views.entries import entry_page
from portfolio.views.refusals import attempt


@login_required
@require_POST
def evidence_add(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    form = EvidenceForm(request.POST, request.FILES)

    def add(data):
        if data["file"]:
            action, kwargs = services.add_file_evidence, {"uploaded_file": data["file"]}
        else:
            action, kwargs = services.add_link_evidence, {"url": data["url"]}
        try:
            return action(entry=entry, actor=request.user, title=data["title"], **kwargs)
        except (services.EntryLocked, PermissionDenied) as error:
            messages.error(request, str(error))
            return False

    added = submitted(form, add)
    if added:
        # Read again: without a worker (in development) the image was processed on commit.
        added.refresh_from_db(fields=["state", "refusal"])
        if added.state == Evidence.State.REFUSED:
            messages.error(request, added.refusal)
        elif added.state == Evidence.State.PROCESSING:
            messages.success(
                request,
                "Evidence added. Waymark is checking the image; it will be ready in a moment.",
            )
        else:
            messages.success(request, "Evidence added.")
    if added is None:
        # Refused by the form or the service: the page again, errors by their fields.
        return entry_page(request, entry, evidence_form=form)
    return redirect(entry)


@login_required
def evidence_delete(request, evidence_id):
    evidence = selectors.access_own_evidence(request.user, evidence_id)
    if request.method == "POST":
        if attempt(request, services.remove_evidence, evidence=evidence, actor=request.user):
            messages.success(request, "Evidence removed.")
        return redirect(evidence.entry)
    return render(request, "portfolio/evidence_delete.html", {"evidence": evidence})


@login_required
def evidence_download(request, evidence_id, thumbnail=False):
    evidence = selectors.access_evidence(request.user, evidence_id)
    return file_response(evidence, thumbnail=thumbnail)
