"""The trainee's and their supervisors' pages: the annual-review forecast of an enrolment,
and the educational supervisor's report, written, saved and signed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import form_data
from portfolio import selectors as portfolio_selectors
from reviews import facts, selectors, services
from reviews.forms import ANSWER_PREFIX, ReportForm
from reviews.questions import answered


def _enrolment_list(request, trainee, *, is_self: bool):
    enrolments = list(selectors.enrolments_of(request.user, trainee))
    # Most trainees are in one programme at a time: straight to its forecast.
    if len(enrolments) == 1:
        return redirect("reviews:forecast", enrolment_id=enrolments[0].pk)
    return render(
        request,
        "reviews/enrolments.html",
        {"trainee": trainee, "enrolments": enrolments, "is_self": is_self},
    )


@login_required
def own_reviews(request):
    return _enrolment_list(request, request.user, is_self=True)


@login_required
def trainee_reviews(request, trainee_id):
    trainee = portfolio_selectors.access_supervised_trainee(request.user, trainee_id)
    return _enrolment_list(request, trainee, is_self=False)


@login_required
def forecast(request, enrolment_id):
    """At the trainee's pace, which of the programme's review requirements will be met by
    the review date, and which are at risk and why."""
    enrolment = selectors.access_enrolment(request.user, enrolment_id)
    is_trainee = request.user.pk == enrolment.trainee_id
    return render(
        request,
        "reviews/forecast.html",
        {
            "enrolment": enrolment,
            "forecast": selectors.forecast_for(
                enrolment, today=timezone.localdate(), you=is_trainee
            ),
            "is_trainee": is_trainee,
            "reports": selectors.reports_on(request.user, enrolment),
            "date_is_set": selectors.has_set_review_date(enrolment),
        },
    )


@login_required
@require_POST
def report_start(request, enrolment_id):
    enrolment = selectors.access_enrolment(request.user, enrolment_id)
    report = services.start_report(actor=request.user, enrolment=enrolment)
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, report_id):
    """A report: for its supervisor while a draft, the form to save or sign; for everyone
    who may see it once signed, the report as signed."""
    report = selectors.access_report(request.user, report_id)
    editable = not report.is_locked and report.supervisor_id == request.user.pk
    form = None
    if editable:
        form = ReportForm(
            form_data(request),
            questions=report.questions,
            initial={
                "period_start": report.period_start,
                "period_end": report.period_end,
                **{ANSWER_PREFIX + key: value for key, value in report.answers.items()},
            },
        )
    if request.method == "POST":
        if form is None:
            # Only a signed report is shown without its form (a draft is its supervisor's
            # alone), and a signed report never changes.
            messages.error(request, services.ReportLocked.message)
            return redirect(report)
        if form.is_valid():
            signing = "sign" in request.POST
            try:
                report = services.save_report(
                    actor=request.user, report=report, **form.service_fields()
                )
                if signing:
                    report = services.sign_report(actor=request.user, report=report)
            except ValidationError as error:
                form.show_service_errors(error)
            except services.ReportLocked as error:
                messages.error(request, str(error))
                return redirect(report)
            else:
                messages.success(
                    request,
                    "Report signed. It is locked, and the trainee and the programme's admins "
                    "can read it."
                    if signing
                    else "Draft saved.",
                )
                return redirect(report)
    summary = (
        report.summary
        if report.is_locked
        else facts.report_summary(report.enrolment, report.period_start, report.period_end)
    )
    return render(
        request,
        "reviews/report.html",
        {
            "report": report,
            "form": form,
            "answers": answered(report.questions, report.answers),
            "summary": summary,
        },
    )
