from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import apply_errors, form_data
from curriculum import selectors as curriculum_selectors
from portfolio import selectors, services
from portfolio.content import sign_off_matches
from portfolio.evidence import file_response
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


# --- Dashboard ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """What the signed-in user should see and do next, by role."""
    user = request.user
    start, end = selectors.appraisal_year(timezone.localdate())
    months = selectors.credits_by_month(user, start, end)
    programmes = list(curriculum_selectors.programmes_of_trainee(user))
    coverage = [
        (
            p,
            curriculum_selectors.coverage_summary(
                curriculum_selectors.coverage(trainee=user, programme=p)
            ),
        )
        for p in programmes
    ]
    # Titles and dates only: the dashboard shows no tags or curriculum items.
    own = (
        selectors.events_visible_to(user)
        .filter(trainee=user)
        .only("pk", "title", "kind", "date", "status")
    )
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "supervisors": account_selectors.active_supervisors_of(user),
            "trainees": account_selectors.active_trainees_of(user),
            "administered": account_selectors.organisations_administered_by(user),
            "coverage": coverage,
            "credits": {
                "start": start,
                "end": end,
                "months": months,
                "total": sum(credits for _, credits in months),
                "target": selectors.cpd_target(),
                "chart": credit_chart(months, selectors.cpd_target()),
            },
            "awaiting": own.filter(status=Status.SUBMITTED)[:5],
            "returned": own.filter(status=Status.RETURNED)[:5],
            "recent": own[:5],
            "queue": selectors.sign_off_queue(user)[:5],
        },
    )


def credit_chart(months, target) -> dict:
    """Bars for a small server-rendered SVG: credits per month, scaled to the tallest month
    or to the monthly share of the annual target, whichever is higher."""
    monthly_share = target / 12
    top = max([float(c) for _, c in months] + [monthly_share]) or 1
    width, height, gap = 24, 80, 6
    bars = []
    for i, (month, credits) in enumerate(months):
        h = round(float(credits) / top * height, 1)
        bars.append(
            {"x": i * (width + gap), "y": height - h, "h": h, "month": month, "credits": credits}
        )
    return {
        "bars": bars,
        "width": len(months) * (width + gap) - gap,
        "height": height,
        "bar_width": width,
        "share_y": round(height - monthly_share / top * height, 1),
    }


# --- Entries ------------------------------------------------------------------------------------


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


# --- Sign-off -----------------------------------------------------------------------------------


def _attempt(request, action, **kwargs):
    """Run a sign-off service and turn its refusals into messages on the entry page."""
    try:
        action(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (services.EntryLocked, services.TransitionNotAllowed, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        return True
    return False


@login_required
@require_POST
def event_submit(request, event_id):
    event = selectors.access_own_event(request.user, event_id)
    form = SubmitForm(request.POST, supervisors=account_selectors.current_supervisors(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your current supervisors.")
    elif _attempt(
        request,
        services.submit_for_sign_off,
        event=event,
        supervisor=form.cleaned_data["supervisor"],
        actor=request.user,
    ):
        messages.success(request, f"Sent to {form.cleaned_data['supervisor']} for sign-off.")
    return redirect(event)


@login_required
@require_POST
def event_recall(request, event_id):
    event = selectors.access_own_event(request.user, event_id)
    if _attempt(request, services.recall_request, event=event, actor=request.user):
        messages.success(request, "Request recalled. You can edit the entry again.")
    return redirect(event)


@login_required
@require_POST
def event_decide(request, event_id):
    event = selectors.access_event(request.user, event_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if "approve" in request.POST:
        if _attempt(request, services.approve, event=event, actor=request.user, comment=comment):
            messages.success(request, f"You signed off “{event.title}”.")
    elif _attempt(request, services.return_entry, event=event, actor=request.user, comment=comment):
        messages.success(
            request, f"“{event.title}” is returned to {event.trainee} with your comment."
        )
    return redirect("portfolio:sign_off_queue") if "next_queue" in request.POST else redirect(event)


@login_required
@require_POST
def event_withdraw(request, event_id):
    event = selectors.access_event(request.user, event_id)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if _attempt(
        request, services.withdraw_sign_off, event=event, actor=request.user, reason=reason
    ):
        messages.success(
            request, "The sign-off is withdrawn; the trainee can edit the entry again."
        )
    return redirect(event)


@login_required
def organisation_sign_offs(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    page = Paginator(selectors.sign_offs_in(organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portfolio/organisation_sign_offs.html",
        {"organisation": organisation, "page": page},
    )


@login_required
def organisation_sign_off_withdraw(request, slug, sign_off_id):
    """An organisation admin withdraws a sign-off given under one of its supervisions."""
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    sign_off = selectors.access_sign_off_in(organisation, sign_off_id)
    form = WithdrawForm(form_data(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            services.withdraw_sign_off,
            event=sign_off.event,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, f"The sign-off of “{sign_off.event.title}” is withdrawn.")
        return redirect("portfolio:organisation_sign_offs", slug=slug)
    return render(
        request,
        "portfolio/organisation_sign_off_withdraw.html",
        {"organisation": organisation, "sign_off": sign_off, "form": form},
    )


@login_required
def sign_off_queue(request):
    page = Paginator(selectors.sign_off_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portfolio/sign_off_queue.html", {"page": page})


# --- Evidence -----------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request, event_id):
    event = selectors.access_own_event(request.user, event_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(event)
    data = form.cleaned_data
    if data["file"]:
        action, kwargs = services.add_file_evidence, {"uploaded_file": data["file"]}
    else:
        action, kwargs = services.add_link_evidence, {"url": data["url"]}
    if _attempt(request, action, event=event, actor=request.user, title=data["title"], **kwargs):
        messages.success(request, "Evidence added.")
    return redirect(event)


@login_required
def evidence_delete(request, evidence_id):
    evidence = selectors.access_own_evidence(request.user, evidence_id)
    if request.method == "POST":
        if _attempt(request, services.remove_evidence, evidence=evidence, actor=request.user):
            messages.success(request, "Evidence removed.")
        return redirect(evidence.event)
    return render(request, "portfolio/evidence_delete.html", {"evidence": evidence})


@login_required
def evidence_download(request, evidence_id, thumbnail=False):
    evidence = selectors.access_evidence(request.user, evidence_id)
    return file_response(evidence, thumbnail=thumbnail)
