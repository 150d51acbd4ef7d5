"""Reads of assessments, each scoped to what the user may see."""

import hashlib

from django.db.models import QuerySet
from django.http import Http404

from accounts import selectors as account_selectors
from accounts.models import Organisation
from assessments.models import Assessment, AssessmentForm, Ticket
from core.access import get_or_404


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def forms_for(user) -> QuerySet[AssessmentForm]:
    """Waymark's forms and those of the user's organisations, with their base forms."""
    organisations = Organisation.objects.filter(memberships__user=user)
    return AssessmentForm.objects.offered_to(organisations).select_related("base", "organisation")


def access_form(user, form_id) -> AssessmentForm:
    return get_or_404(forms_for(user), "No such assessment form.", pk=form_id)


def assessments_of(trainee) -> QuerySet[Assessment]:
    return (
        Assessment.objects.for_trainee(trainee)
        .select_related("entry", "form__base", "assessor", "trainee")
        .order_by("-created_at", "-pk")
    )


def access_own_assessment(user, assessment_id, *, for_update: bool = False) -> Assessment:
    """The trainee's own assessment, with its form, or 404."""
    assessments = Assessment.objects.filter(trainee=user).select_related(
        "entry", "form__base", "assessor", "trainee"
    )
    if for_update:
        assessments = assessments.select_for_update(of=("self",))
    return get_or_404(assessments, "No such assessment.", pk=assessment_id)


def access_assessment(user, assessment_id) -> Assessment:
    """An assessment its trainee, the assessor with an account asked to complete it, or the
    trainee's current supervisors may see; 404 for anyone else."""
    assessment = get_or_404(
        Assessment.objects.select_related("entry", "form__base", "assessor", "trainee"),
        "No such assessment.",
        pk=assessment_id,
    )
    if not (
        user.pk in (assessment.trainee_id, assessment.assessor_id)
        or account_selectors.is_active_supervisor(user, assessment.trainee)
    ):
        raise Http404("No such assessment.")
    return assessment


def queue_of(assessor) -> QuerySet[Assessment]:
    """Assessments waiting for this assessor, oldest first."""
    return (
        Assessment.objects.filter(assessor=assessor, state=Assessment.State.REQUESTED)
        .select_related("entry", "form__base", "trainee")
        .order_by("requested_at", "pk")
    )


def tickets_of(assessment: Assessment) -> QuerySet[Ticket]:
    return assessment.tickets.order_by("-created_at", "-pk")


def access_own_ticket(user, ticket_id) -> Ticket:
    return get_or_404(
        Ticket.objects.select_related("assessment"),
        "No such ticket.",
        pk=ticket_id,
        assessment__trainee=user,
    )


def ticket_for_token(token: str) -> Ticket | None:
    """The ticket a link's token names, whatever its state, with what its page shows."""
    return (
        Ticket.objects.select_related(
            "assessment__entry", "assessment__form__base", "assessment__trainee"
        )
        .filter(token_sha256=token_sha256(token))
        .first()
    )
