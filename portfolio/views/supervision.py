"""A supervisor's view of one supervised trainee: their portfolio page (what changed since
the supervisor last looked, what waits for sign-off, CPD this appraisal year, coverage, and
badges) and their entries, searched and filtered as the trainee's own list is; and signing
off several entries from the queue at once.

The page lives here, with the entries it is mostly about, rather than in badges (which may
import portfolio, and so could hold it whole): its badges come from badges' own partial,
/trainees/<id>/badges/, which the page loads with htmx and links to for browsers without
JavaScript, so portfolio never imports badges."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from portfolio import paging, selectors, services
from portfolio.filters import EntryFilter
from portfolio.forms import BatchSignOffForm
from portfolio.trainees import trainee_overview
from portfolio.views.entries import PAGE_SIZE

# Ids are 64-bit: a longer number names no request, and the database would refuse it.
MAX_ID_DIGITS = 18


@login_required
def trainee_portfolio(request, trainee_id):
    """The supervisor's page about one trainee; opening it is recorded, so that the next
    visit can say what changed in between."""
    trainee = selectors.access_supervised_trainee(request.user, trainee_id)
    # Read before this visit is recorded: "since you last looked" means the visit before.
    since = selectors.last_viewed_at(request.user, trainee)
    services.record_portfolio_visit(trainee=trainee, actor=request.user)
    overview = trainee_overview(
        supervisor=request.user, trainee=trainee, since=since, today=timezone.localdate()
    )
    changes = None
    if since is not None:
        changes = {"entries": overview.changes, "total": overview.changes_total}
    return render(
        request,
        "portfolio/trainee_portfolio.html",
        {
            "trainee": trainee,
            "supervisions": overview.supervisions,
            "since": since,
            "changes": changes,
            "waiting": {"requests": overview.waiting, "total": overview.waiting_total},
            "entry_count": overview.entry_count,
            "credits": {
                "start": overview.credits.start,
                "end": overview.credits.end,
                "total": overview.credits.credits,
                "target": overview.credits.target,
            },
            "programmes": [(c.programme, c.rows, c.summary) for c in overview.programmes],
            "entries_url": reverse("portfolio:trainee_entries", args=[trainee.pk]),
        },
    )


@login_required
def trainee_entries(request, trainee_id):
    """The trainee's entries the supervisor may read, with the trainee's own list's search
    and filters; curriculum items are the trainee's, so coverage links land here."""
    trainee = selectors.access_supervised_trainee(request.user, trainee_id)
    visible = selectors.supervised_entries(request.user, trainee)
    filterset = EntryFilter(request.GET or None, queryset=visible, request=request, trainee=trainee)
    page = paging.page_of_entries(filterset, request.GET.get("page"), PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portfolio/entry_list.html",
        {
            "trainee": trainee,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "total": page.paginator.count,
            "list_url": reverse("portfolio:trainee_entries", args=[trainee.pk]),
        },
    )


def chosen_request_ids(data) -> list[int]:
    """The sign-off requests ticked, as ids; anything else sent (not a number, or longer
    than any id can be) is ignored."""
    return [
        int(value)
        for value in data.getlist("request")
        if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def sign_off_batch(request):
    """Sign off several entries: GET lists the ticked entries for the supervisor to confirm,
    POST signs them off one by one and says which could not be."""
    data = request.POST if request.method == "POST" else request.GET
    ids = chosen_request_ids(data)
    if not ids:
        messages.error(request, "Tick the entries you want to sign off first.")
        return redirect("portfolio:sign_off_queue")
    form = BatchSignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = services.approve_batch(
            request_ids=ids, actor=request.user, comment=form.cleaned_data["comment"]
        )
        if outcome.signed_off:
            count = len(outcome.signed_off)
            messages.success(request, f"You signed off {count} entr{'y' if count == 1 else 'ies'}.")
        for entry, reason in outcome.refused:
            messages.error(request, f"“{entry.title}” was not signed off. {reason}")
        if unknown := outcome.unknown:
            words = "request chosen was" if unknown == 1 else "requests chosen were"
            messages.error(request, f"{unknown} {words} not sent to you, and left alone.")
        return redirect("portfolio:sign_off_queue")
    waiting = list(selectors.sign_off_queue(request.user).filter(pk__in=ids))
    return render(
        request,
        "portfolio/sign_off_batch.html",
        {"requests": waiting, "gone": len(set(ids)) - len(waiting), "form": form},
    )
