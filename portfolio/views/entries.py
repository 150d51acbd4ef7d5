"""A trainee's entries: the list, quick logging, editing (with autosave), the entry page,
and deletion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import apply_errors, form_data
from portfolio import selectors, services
from portfolio.content import sign_off_matches
from portfolio.filters import EventFilter
from portfolio.forms import (
    REFLECTION_FIELDS,
    DecisionForm,
    EventForm,
    EvidenceForm,
    QuickLogForm,
    SubmitForm,
    WithdrawForm,
)
from portfolio.models import Status

PAGE_SIZE = 20


@login_required
def event_list(request):
    """The trainee's own entries, filtered and searched."""
    own = selectors.events_visible_to(request.user).filter(trainee=request.user)
    filterset = EventFilter(request.GET or None, queryset=own, request=request)
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else own
    page = Paginator(selectors.event_list(events), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portfolio/event_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


@login_required
def event_create(request):
    form = QuickLogForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            event, _ = services.log_event(trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Saved. Add more detail now, or come back to it later.")
            return redirect("portfolio:event_edit", event_id=event.pk)
    return render(request, "portfolio/event_create.html", {"form": form})


def _event_form(request, event):
    return EventForm(
        form_data(request), instance=event, items=selectors.allowed_items(request.user)
    )


@login_required
def event_edit(request, event_id):
    event = selectors.access_own_event(request.user, event_id)
    if event.is_locked:
        messages.error(request, _locked_message(event))
        return redirect(event)
    form = _event_form(request, event)
    if request.method == "POST" and form.is_valid() and not form.needs_identifier_check:
        try:
            services.update_event(event=event, actor=request.user, **form.service_fields())
        except services.EntryLocked as error:
            messages.error(request, str(error))
            return redirect(event)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Entry saved.")
            return redirect(event)
    return render(request, "portfolio/event_edit.html", {"form": form, "event": event})


@login_required
@require_POST
def event_autosave(request, event_id):
    """htmx: save the draft as the trainee types. A reflection that may identify a patient
    is not saved here; the form's own Save asks the trainee to check it first."""
    event = selectors.access_own_event(request.user, event_id)
    form = _event_form(request, event)
    status, saved_at = "", None
    if event.is_locked:
        status = _locked_message(event)
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
            services.update_event(event=event, actor=request.user, **fields)
            saved_at = timezone.localtime()
        except (services.EntryLocked, ValidationError) as error:
            status = error.messages[0] if isinstance(error, ValidationError) else str(error)
    return render(
        request, "portfolio/_autosave_status.html", {"status": status, "saved_at": saved_at}
    )


def _locked_message(event) -> str:
    try:
        services.ensure_editable(event)
    except services.EntryLocked as error:
        return str(error)
    return ""


@login_required
def event_detail(request, event_id):
    event = selectors.event_detail(selectors.access_event(request.user, event_id))
    user = request.user
    is_trainee = user.pk == event.trainee_id
    show_reflection = selectors.can_see_reflection(user, event) and event.has_reflection
    if show_reflection and not is_trainee:
        services.record_reflection_view(event=event, actor=user)
    sign_off = selectors.current_sign_off(event)
    open_request = next((r for r in event.sign_off_requests.all() if r.outcome == "open"), None)
    context = {
        "event": event,
        "is_trainee": is_trainee,
        "show_reflection": show_reflection,
        "sign_off": sign_off,
        "content_matches": sign_off is not None and sign_off_matches(sign_off),
        "open_request": open_request,
        "can_decide": open_request is not None and open_request.supervisor_id == user.pk,
        "can_withdraw": sign_off is not None and selectors.can_withdraw(user, sign_off),
        "reflection_views": selectors.reflection_views_of(event) if is_trainee else None,
    }
    if is_trainee and event.status in (Status.DRAFT, Status.RETURNED):
        context["submit_form"] = SubmitForm(supervisors=account_selectors.current_supervisors(user))
        context["evidence_form"] = EvidenceForm()
    if context["can_decide"]:
        context["decision_form"] = DecisionForm()
    if context["can_withdraw"]:
        context["withdraw_form"] = WithdrawForm()
    return render(request, "portfolio/event_detail.html", context)


@login_required
def event_delete(request, event_id):
    event = selectors.access_own_event(request.user, event_id)
    if request.method == "POST":
        try:
            services.delete_event(event=event, actor=request.user)
        except services.EntryLocked as error:
            messages.error(request, str(error))
            return redirect(event)
        messages.success(request, f"“{event.title}” is deleted.")
        return redirect("portfolio:event_list")
    return render(request, "portfolio/event_delete.html", {"event": event})
