"""Organisation admins' pages: what each programme asks for the annual review, the report's
questions, and each trainee's review date."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from core.forms import form_data, submitted
from curriculum import selectors as curriculum_selectors
from reviews import selectors, services
from reviews.forms import QuestionsForm, RequirementForm, ReviewDateForm
from reviews.questions import DEFAULT_QUESTIONS


def _to_programme(slug, programme):
    return redirect("reviews:manage", slug=slug, programme_id=programme.pk)


@login_required
def programmes(request, slug):
    organisation = account_selectors.access_organisation_for_admin(request.user, slug)
    return render(
        request,
        "reviews/manage/programmes.html",
        {
            "organisation": organisation,
            "programmes": curriculum_selectors.programmes_of(organisation),
        },
    )


def _programme_page(request, organisation, programme, form):
    enrolments = [
        (enrolment, selectors.review_date_of(enrolment), selectors.has_set_review_date(enrolment))
        for enrolment in selectors.enrolments_for_admin(programme)
    ]
    return render(
        request,
        "reviews/manage/programme.html",
        {
            "organisation": organisation,
            "programme": programme,
            "requirements": selectors.requirements_of(programme),
            "form": form,
            "questions": selectors.report_questions_of(programme),
            "own_questions": selectors.has_own_questions(programme),
            "enrolments": enrolments,
        },
    )


@login_required
def manage(request, slug, programme_id):
    organisation, programme = curriculum_selectors.access_programme_for_admin(
        request.user, slug, programme_id
    )
    return _programme_page(request, organisation, programme, RequirementForm())


@login_required
@require_POST
def requirement_add(request, slug, programme_id):
    organisation, programme = curriculum_selectors.access_programme_for_admin(
        request.user, slug, programme_id
    )
    form = RequirementForm(request.POST)
    if requirement := submitted(
        form,
        lambda data: services.set_review_requirement(
            actor=request.user, programme=programme, **data
        ),
    ):
        messages.success(
            request, f"Review requirement saved: {requirement.target} {requirement.label}."
        )
        return _to_programme(slug, programme)
    return _programme_page(request, organisation, programme, form)


@login_required
@require_POST
def requirement_remove(request, slug, programme_id, requirement_id):
    _, programme = curriculum_selectors.access_programme_for_admin(request.user, slug, programme_id)
    requirement = selectors.access_requirement(programme, requirement_id)
    services.remove_review_requirement(actor=request.user, requirement=requirement)
    messages.success(request, f"The requirement for {requirement.label} is removed.")
    return _to_programme(slug, programme)


@login_required
def questions(request, slug, programme_id):
    organisation, programme = curriculum_selectors.access_programme_for_admin(
        request.user, slug, programme_id
    )
    current = selectors.report_questions_of(programme)
    own = selectors.has_own_questions(programme)
    form = QuestionsForm(
        form_data(request), initial={"questions": json.dumps(current, indent=2) if own else ""}
    )
    if submitted(
        form,
        lambda data: services.set_report_questions(
            actor=request.user, programme=programme, questions=data["questions"]
        ),
    ):
        messages.success(request, "Report questions saved. Reports already started keep theirs.")
        return _to_programme(slug, programme)
    return render(
        request,
        "reviews/manage/questions.html",
        {
            "organisation": organisation,
            "programme": programme,
            "form": form,
            "default": json.dumps(DEFAULT_QUESTIONS, indent=2),
        },
    )


@login_required
def review_date(request, slug, programme_id, enrolment_id):
    organisation, programme = curriculum_selectors.access_programme_for_admin(
        request.user, slug, programme_id
    )
    enrolment = selectors.access_enrolment_in(programme, enrolment_id)
    form = ReviewDateForm(
        form_data(request), initial={"review_date": selectors.review_date_of(enrolment)}
    )
    if submitted(
        form,
        lambda data: services.set_review_date(
            actor=request.user, enrolment=enrolment, review_date=data["review_date"]
        ),
    ):
        messages.success(request, f"{enrolment.trainee}'s review date is saved.")
        return _to_programme(slug, programme)
    return render(
        request,
        "reviews/manage/review_date.html",
        {
            "organisation": organisation,
            "programme": programme,
            "enrolment": enrolment,
            "form": form,
        },
    )
