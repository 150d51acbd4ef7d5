from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.forms import CompleteForm, RequestForm, StartForm
from assessments.schema import answered
from core.forms import apply_errors, form_data, submitted
from portfolio import selectors as portfolio_selectors
from portfolio.forms import REFLECTION_FIELDS

# --- The trainee's pages -----------------------------------------------------------------------


@login_required
def assessment_list(request):
    return render(
        request,
        "assessments/list.html",
        {
            "assessments": selectors.assessments_of(request.user),
            "forms": selectors.forms_for(request.user),
            "queue": selectors.queue_of(request.user),
        },
    )


@login_required
def assessment_start(request, form_id):
    assessment_form = selectors.access_form(request.user, form_id)
    form = StartForm(
        form_data(request),
        questions=assessment_form.all_questions(),
        items=portfolio_selectors.allowed_items(request.user),
    )
    if assessment := submitted(
        form,
        lambda data: services.start_assessment(
            actor=request.user, form=assessment_form, **form.service_fields()
        ),
    ):
        messages.success(request, "Assessment saved. Now send it to your assessor.")
        return redirect(assessment)
    return render(
        request, "assessments/start.html", {"assessment_form": assessment_form, "form": form}
    )


@login_required
def assessment_edit(request, assessment_id):
    assessment = selectors.access_own_assessment(request.user, assessment_id)
    if assessment.state != "draft":
        messages.error(request, "Only an assessment not yet sent can be changed.")
        return redirect(assessment)
    entry = assessment.entry
    form = StartForm(
        form_data(request),
        questions=assessment.form.all_questions(),
        items=portfolio_selectors.allowed_items(request.user),
        initial={
            "title": entry.title,
            "date": entry.date,
            "items": list(entry.mappings.values_list("item_id", flat=True)),
            **{f"answer_{key}": value for key, value in assessment.answers.items()},
            **{name: getattr(entry, name) for name in REFLECTION_FIELDS},
        },
    )
    if submitted(
        form,
        lambda data: services.update_assessment(
            actor=request.user, assessment=assessment, **form.service_fields()
        ),
    ):
        messages.success(request, "Assessment saved.")
        return redirect(assessment)
    return render(
        request,
        "assessments/start.html",
        {"assessment_form": assessment.form, "form": form, "assessment": assessment},
    )


def _detail(request, assessment, request_form=None):
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "answers": answered(assessment.form.all_questions(), assessment.answers),
            "items": assessment.entry.items.select_related("framework"),
            "tickets": selectors.tickets_of(assessment),
            "request_form": request_form or RequestForm(),
            "is_trainee": request.user.pk == assessment.trainee_id,
        },
    )


@login_required
def assessment_detail(request, assessment_id):
    return _detail(request, selectors.access_assessment(request.user, assessment_id))


@login_required
@require_POST
def assessment_request(request, assessment_id):
    assessment = selectors.access_own_assessment(request.user, assessment_id)
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            ticket = services.request_assessment(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
        except services.AssessmentNotChangeable as error:
            messages.error(request, str(error))
            return redirect(assessment)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            name = form.cleaned_data["name"]
            messages.success(
                request,
                f"Waymark has emailed {name} a link to complete the assessment."
                if ticket
                else f"{name} has a Waymark account: the assessment is in their queue.",
            )
            return redirect(assessment)
    return _detail(request, assessment, request_form=form)


@login_required
@require_POST
def assessment_revoke(request, assessment_id):
    assessment = selectors.access_own_assessment(request.user, assessment_id)
    try:
        services.revoke_request(actor=request.user, assessment=assessment)
    except services.AssessmentNotChangeable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Request revoked: the link no longer works.")
    return redirect(assessment)


# --- The assessor's pages ----------------------------------------------------------------------


@login_required
def assessment_complete(request, assessment_id):
    """An assessor with an account completes an assessment from their queue."""
    assessment = selectors.access_assessment(request.user, assessment_id)
    if assessment.assessor_id != request.user.pk or assessment.state != "requested":
        return redirect(assessment)
    form = CompleteForm(
        form_data(request), questions=assessment.form.all_questions(), with_name=False
    )
    if submitted(
        form,
        lambda data: services.complete_as_assessor(
            actor=request.user, assessment=assessment, **form.service_fields()
        ),
    ):
        messages.success(request, "Assessment completed. Thank you.")
        return redirect("assessments:list")
    return render(
        request,
        "assessments/complete.html",
        {"assessment": assessment, "form": form, "answers": _trainee_answers(assessment)},
    )


def _trainee_answers(assessment):
    return answered(
        [q for q in assessment.form.all_questions() if q["by"] == "trainee"], assessment.answers
    )


@never_cache
def ticket(request, token):
    """The public page behind a one-time link: the assessment to complete, once. After that,
    or once revoked or expired, it shows only what became of the link."""
    found = selectors.ticket_for_token(token)
    if found is None or found.state != "open":
        state = found.state if found else "unknown"
        # Seeing the thank-you again is fine; anything else is refused.
        refused = state != "used" or request.method == "POST"
        return render(
            request,
            "assessments/ticket_closed.html",
            {"state": state, "refused": refused},
            status=404 if found is None else 410 if refused else 200,
        )
    assessment = found.assessment
    form = CompleteForm(
        form_data(request),
        questions=assessment.form.all_questions(),
        with_name=True,
        initial={"assessor_name": found.name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_by_ticket(token=token, **form.service_fields())
        except services.TicketUnusable:
            return redirect("assessments:ticket", token=token)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("assessments:ticket", token=token)
    return render(
        request,
        "assessments/ticket.html",
        {
            "assessment": assessment,
            "ticket": found,
            "form": form,
            "answers": _trainee_answers(assessment),
        },
    )
