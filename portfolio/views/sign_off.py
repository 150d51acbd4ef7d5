"""Sign-off pages: the trainee asks or recalls, the supervisor decides or withdraws, an
organisation admin withdraws sign-offs given under its supervisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import form_data
from portfolio import selectors, services
from portfolio.filters import SignOffQueueFilter
from portfolio.forms import DecisionForm, SubmitForm, WithdrawForm
from portfolio.views.entries import PAGE_SIZE
from portfolio.views.refusals import attempt


@login_required
@require_POST
def entry_submit(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    form = SubmitForm(request.POST, supervisors=account_selectors.current_supervisors(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your current supervisors.")
    elif attempt(
        request,
        services.submit_for_sign_off,
        entry=entry,
        supervisor=form.cleaned_data["supervisor"],
        actor=request.user,
    ):
        messages.success(request, f"Sent to {form.cleaned_data['supervisor']} for sign-off.")
    return redirect(entry)


@login_required
@require_POST
def entry_recall(request, entry_id):
    entry = selectors.access_own_entry(request.user, entry_id)
    if attempt(request, services.recall_request, entry=entry, actor=request.user):
        messages.success(request, "Request recalled. You can edit the entry again.")
    return redirect(entry)


@login_required
@require_POST
def entry_decide(request, entry_id):
    entry = selectors.access_entry(request.user, entry_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if "approve" in request.POST:
        if attempt(request, services.approve, entry=entry, actor=request.user, comment=comment):
            messages.success(request, f"You signed off “{entry.title}”.")
    elif attempt(request, services.return_entry, entry=entry, actor=request.user, comment=comment):
        messages.success(
            request, f"“{entry.title}” is returned to {entry.trainee} with your comment."
        )
    return redirect("portfolio:sign_off_queue") if "next_queue" in request.POST else redirect(entry)


@login_required
@require_POST
def entry_withdraw(request, entry_id):
    entry = selectors.access_entry(request.user, entry_id)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if attempt(request, services.withdraw_sign_off, entry=entry, actor=request.user, reason=reason):
        messages.success(
            request, "The sign-off is withdrawn; the trainee can edit the entry again."
        )
    return redirect(entry)


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
        and attempt(
            request,
            services.withdraw_sign_off,
            entry=sign_off.entry,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, f"The sign-off of “{sign_off.entry.title}” is withdrawn.")
        return redirect("portfolio:organisation_sign_offs", slug=slug)
    return render(
        request,
        "portfolio/organisation_sign_off_withdraw.html",
        {"organisation": organisation, "sign_off": sign_off, "form": form},
    )


@login_required
def sign_off_queue(request):
    """Requests waiting for the supervisor, filtered, each with a box to tick for signing
    off several at once (sign_off_batch)."""
    queue = selectors.sign_off_queue(request.user)
    filterset = SignOffQueueFilter(request.GET or None, queryset=queue, request=request)
    requests = filterset.qs if filterset.is_bound and filterset.is_valid() else queue
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portfolio/sign_off_queue.html",
        {"page": page, "filter": filterset, "query": query.urlencode()},
    )
