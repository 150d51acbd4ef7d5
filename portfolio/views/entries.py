"""A trainee's entries: the list, quick logging, editing (with autosave), the entry page,
and deletion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import apply_errors, form_data, submitted
from portfolio import paging, selectors, services
from portfolio.content import sign_off_matches
from portfolio.filters import EntryFilter
from portfolio.forms import (
    REFLECTION_FIELDS,
    DecisionForm,
    EntryForm,
    EvidenceForm,
    QuickLogForm,
    SubmitForm,
    WithdrawForm,
)
from portfolio.models import Evidence, Source, Status
from portfolio.verification import sign_off_link

PAGE_SIZE = 20


@login_required
def entry_list(request):
    """The trainee's own entries, filtered and searched. `?trainee=` (as the API takes it)
    names a supervisee, whose entries have a page of their own."""
    if (whose := request.GET.get("trainee")) and whose != str(request.user.pk):
        if not whose.isdigit():
            raise Http404("No such trainee.")
        query = request.GET.copy()
        del query["trainee"]
        url = reverse("portfolio:trainee_entries", args=[whose])
        return redirect(f"{url}?{query.urlencode()}" if query else url)
    own = selectors.own_entries(request.user)
    filterset = EntryFilter(request.GET or None, queryset=own, request=request)
    page = paging.page_of_entries(filterset, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portfolio/entry_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


@login_required
def entry_create(request):
    form = QuickLogForm(form_data(request))
    if logged := submitted(form, lambda data: services.log_entry(actor=request.user, **data)):
        entry, _ = logged
        messages.success(request, "Saved. Add more detail now, or come back to it later.")
        return redirect("portfolio:entry_edit", entry_id=entry.pk)
    return render(request, "portfolio/entry_create.html", {"form": form})


def _entry_form(request, entry):
    return EntryForm(
        form_data(request), instance=entry, items=selectors.allowed_items(request.user)
    )


@login_required
def entry_edit(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    if entry.is_locked:
        messages.error(request, _locked_message(entry))
        return redirect(entry)
    form = _entry_form(request, entry)
    if request.method == "POST" and form.is_valid() and not form.needs_identifier_check:
        try:
            services.update_entry(entry=entry, actor=request.user, **form.service_fields())
        except services.EntryLocked as error:
            messages.error(request, str(error))
            return redirect(entry)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Entry saved.")
            return redirect(entry)
    return render(request, "portfolio/entry_edit.html", {"form": form, "entry": entry})


@login_required
@require_POST
def entry_autosave(request, entry_id):
    """htmx: save the draft as the trainee types. A reflection that may identify a patient
    is not saved here; the form's own Save asks the trainee to check it first."""
    entry = selectors.access_own_entry(request.user, entry_id)
    form = _entry_form(request, entry)
    status, saved_at = "", None
    if entry.is_locked:
        status = _locked_message(entry)
    elif not form.is_valid():
        status = "Not saved yet: some fields need attention."
    else:
        fields = form.service_fields()
        if form.identifier_warnings:
            for name in REFLECTION_FIELDS:
                fields.pop(name)
            status = (
                "Saved, except your reflection: it may identify a patient. "
                "Check it, then press Save."
            )
        try:
            services.update_entry(entry=entry, actor=request.user, **fields)
            saved_at = timezone.localtime()
        except (services.EntryLocked, ValidationError) as error:
            status = error.messages[0] if isinstance(error, ValidationError) else str(error)
    return render(
        request, "portfolio/_autosave_status.html", {"status": status, "saved_at": saved_at}
    )


def _locked_message(entry) -> str:
    try:
        services.ensure_editable(entry)
    except services.EntryLocked as error:
        return str(error)
    return ""


@login_required
def entry_detail(request, entry_id):
    return entry_page(request, selectors.access_entry(request.user, entry_id))


def entry_page(request, entry, *, evidence_form=None):
    """The entry's page; with `evidence_form`, the evidence form as posted, with its errors
    by the fields and what was typed kept."""
    entry = selectors.entry_detail(entry)
    user = request.user
    is_trainee = user.pk == entry.trainee_id
    show_reflection = selectors.can_see_reflection(user, entry) and entry.has_reflection
    if show_reflection and not is_trainee:
        services.record_reflection_view(entry=entry, actor=user)
    sign_off = selectors.current_sign_off(entry)
    open_request = next((r for r in entry.sign_off_requests.all() if r.outcome == "open"), None)
    # Only imported entries can hold sign-offs attested elsewhere: others spend no query.
    attested = selectors.attested_sign_offs_of(entry) if entry.source == Source.IMPORT else []
    context = {
        "entry": entry,
        "is_trainee": is_trainee,
        # Files Waymark refused are the trainee's to read about and remove, nobody else's.
        "evidence": [
            e for e in entry.evidence.all() if is_trainee or e.state != Evidence.State.REFUSED
        ],
        "show_reflection": show_reflection,
        # A supervisor is told a reflection exists, so they can ask for it; never its words.
        "private_reflection": not is_trainee and entry.has_reflection and not show_reflection,
        "sign_off": sign_off,
        "content_matches": sign_off is not None and sign_off_matches(sign_off),
        "open_request": open_request,
        "attested_sign_offs": attested,
        "can_decide": open_request is not None and open_request.supervisor_id == user.pk,
        "can_withdraw": sign_off is not None and selectors.can_withdraw(user, sign_off),
        "reflection_views": selectors.reflection_views_of(entry) if is_trainee else None,
        # The trainee's to share, and the signer's to hand on; nobody else's.
        "verification_link": (
            sign_off_link(sign_off)
            if sign_off is not None and user.pk in (entry.trainee_id, sign_off.supervisor_id)
            else None
        ),
    }
    if is_trainee and entry.status in (Status.DRAFT, Status.RETURNED):
        context["submit_form"] = SubmitForm(supervisors=account_selectors.current_supervisors(user))
        context["evidence_form"] = evidence_form or EvidenceForm()
    if context["can_decide"]:
        context["decision_form"] = DecisionForm()
    if context["can_withdraw"]:
        context["withdraw_form"] = WithdrawForm()
    return render(request, "portfolio/entry_detail.html", context)


@login_required
def entry_delete(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    if request.method == "POST":
        try:
            services.delete_entry(entry=entry, actor=request.user)
        except services.EntryLocked as error:
            messages.error(request, str(error))
            return redirect(entry)
        messages.success(request, f"“{entry.title}” is deleted.")
        return redirect("portfolio:entry_list")
    try:
        services.ensure_deletable(entry)
    except services.EntryLocked as error:
        refusal = str(error)
    else:
        refusal = None
    return render(request, "portfolio/entry_delete.html", {"entry": entry, "refusal": refusal})
