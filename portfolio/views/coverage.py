"""Curriculum coverage pages: a trainee's own, and a supervisor's view of their trainees'."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from accounts import selectors as account_selectors
from curriculum import selectors as curriculum_selectors
from portfolio import coverage as curriculum_coverage


@login_required
def my_coverage(request):
    """The trainee's programmes; with just one, straight to its coverage."""
    programmes = list(curriculum_selectors.programmes_of_trainee(request.user))
    if len(programmes) == 1:
        return redirect(
            "portfolio:coverage", trainee_id=request.user.pk, programme_id=programmes[0].pk
        )
    return render(request, "portfolio/coverage_list.html", {"programmes": programmes})


@login_required
def coverage(request, trainee_id, programme_id):
    trainee, programme = curriculum_selectors.access_trainee_programme(
        request.user, trainee_id, programme_id
    )
    rows = curriculum_coverage.coverage(trainee=trainee, programme=programme)
    return render(
        request,
        "portfolio/coverage.html",
        {
            "trainee": trainee,
            "programme": programme,
            "rows": rows,
            "summary": curriculum_coverage.coverage_summary(rows),
            "is_self": trainee.pk == request.user.pk,
        },
    )


@login_required
def supervised_trainees(request):
    """A supervisor's trainees, each linked to their portfolio page, with their programmes'
    coverage one click away."""
    supervisions = list(account_selectors.active_trainees_of(request.user))
    programmes_by_trainee: dict[int, list] = {}
    enrolments = curriculum_selectors.active_enrolments_of({s.trainee_id for s in supervisions})
    for enrolment in enrolments:
        programmes_by_trainee.setdefault(enrolment.trainee_id, []).append(enrolment.programme)
    for supervision in supervisions:
        supervision.programmes = programmes_by_trainee.get(supervision.trainee_id, [])
    page = Paginator(supervisions, 25).get_page(request.GET.get("page"))
    return render(request, "portfolio/supervised_trainees.html", {"page": page})
