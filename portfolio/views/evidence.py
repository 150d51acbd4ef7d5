"""Adding, removing and downloading evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portfolio import selectors, services
from portfolio.evidence import file_response
from portfolio.forms import EvidenceForm
from portfolio.views.refusals import attempt


@login_required
@require_POST
def evidence_add(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(entry)
    data = form.cleaned_data
    if data["file"]:
        action, kwargs = services.add_file_evidence, {"uploaded_file": data["file"]}
    else:
        action, kwargs = services.add_link_evidence, {"url": data["url"]}
    if attempt(request, action, entry=entry, actor=request.user, title=data["title"], **kwargs):
        messages.success(request, "Evidence added.")
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
