"""Reads for annual reviews, each scoped to what the asking user may see, and the access
helpers that fetch and authorise in one call (404 for anything else).

An enrolment's forecast and its signed reports are seen by the trainee, by anyone
supervising the trainee today, and by the admins of the organisation running the
programme. A draft report is its supervisor's alone."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts import selectors as account_selectors
from accounts.models import Membership, Role, Supervision
from core.access import get_or_404
from curriculum.models import Enrolment, Programme
from reviews import facts
from reviews.forecast import Forecast, project, review_period_start
from reviews.models import (
    AnnualReview,
    ReportQuestions,
    ReviewRequirement,
    SupervisorReport,
    default_review_date,
)
from reviews.questions import DEFAULT_QUESTIONS

# --- Enrolments -------------------------------------------------------------------------------


def _administered_by(user):
    return Membership.objects.filter(user=user, role=Role.ADMIN).values("organisation")


def _educational_supervisions(user):
    return Supervision.objects.active().filter(supervisor=user, kind=Supervision.Kind.EDUCATIONAL)


def enrolments_visible_to(user) -> QuerySet[Enrolment]:
    """Enrolments of the user, of the trainees they supervise today, and of the programmes
    of the organisations they administer, each knowing how the user stands to it:
    `viewer_is_admin` and `viewer_is_educational_supervisor`."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    administered = _administered_by(user)
    return (
        Enrolment.objects.filter(
            Q(trainee=user)
            | Q(trainee__in=account_selectors.supervised_trainee_ids(user))
            | Q(programme__organisation__in=administered)
        )
        .select_related("trainee", "programme__organisation", "annual_review")
        .annotate(
            viewer_is_admin=Exists(
                Programme.objects.filter(
                    pk=OuterRef("programme"), organisation__in=_administered_by(user)
                )
            ),
            viewer_is_educational_supervisor=Exists(
                _educational_supervisions(user).filter(trainee=OuterRef("trainee"))
            ),
        )
        .order_by("-start_date", "-pk")
    )


def access_enrolment(user, enrolment_id) -> Enrolment:
    return get_or_404(enrolments_visible_to(user), "No such enrolment.", pk=enrolment_id)


def enrolments_of(user, trainee) -> QuerySet[Enrolment]:
    """The trainee's enrolments, as `user` may see them."""
    return enrolments_visible_to(user).filter(trainee=trainee)


def review_date_of(enrolment: Enrolment) -> date:
    """The day of the enrolment's annual review: the one its admins set, else a year's
    training after it starts. Reads the row selected with the enrolment, if it was."""
    try:
        return enrolment.annual_review.review_date
    except AnnualReview.DoesNotExist:
        return default_review_date(enrolment)


def has_set_review_date(enrolment: Enrolment) -> bool:
    # A missing reverse one-to-one raises a subclass of AttributeError.
    return hasattr(enrolment, "annual_review")


# --- Requirements and the forecast ------------------------------------------------------------


def requirements_of(programme: Programme) -> QuerySet[ReviewRequirement]:
    return ReviewRequirement.objects.filter(programme=programme).order_by(
        "kind", "assessment_type", "pk"
    )


# The count each kind of requirement is of, in a sentence's words.
ASSESSMENT_NOUNS = {
    "mini_cex": "mini-CEXs",
    "cbd": "CBDs",
    "dops": "DOPS",
    "dct": "DCTs",
    "leader": "LEADER assessments",
    "tab": "TABs",
}


def noun_of(requirement: ReviewRequirement) -> str:
    if requirement.kind == ReviewRequirement.Kind.ASSESSMENTS:
        return ASSESSMENT_NOUNS.get(requirement.assessment_type, "assessments")
    if requirement.kind == ReviewRequirement.Kind.CPD:
        return "CPD credits"
    return "curriculum requirements met"


@dataclass
class ForecastRow:
    requirement: ReviewRequirement
    forecast: Forecast
    # For coverage: the required items not yet met, which are what is missing.
    unmet: list


@dataclass
class EnrolmentForecast:
    enrolment: Enrolment
    review_date: date
    period_start: date
    today: date
    rows: list[ForecastRow]

    @property
    def at_risk(self) -> list[ForecastRow]:
        return [row for row in self.rows if row.forecast.at_risk]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"met": 0, "on_track": 0, "at_risk": 0}
        for row in self.rows:
            counts[row.forecast.status] += 1
        return counts


def forecast_for(enrolment: Enrolment, *, today: date, you: bool) -> EnrolmentForecast:
    """Each of the programme's review requirements, forecast for the enrolment's review at
    the trainee's pace. Two to six queries, however much the portfolio holds."""
    review_date = review_date_of(enrolment)
    start = review_period_start(enrolment.start_date, review_date)
    requirements = list(requirements_of(enrolment.programme))
    found = facts.measures(enrolment, requirements, start, min(today, review_date))
    rows = []
    for requirement in requirements:
        forecast = project(
            label=requirement.label,
            noun=noun_of(requirement),
            current=found.current(requirement),
            target=requirement.target,
            period_start=start,
            review_date=review_date,
            today=today,
            whole=requirement.kind != ReviewRequirement.Kind.CPD,
            you=you,
            ceiling=found.ceiling(requirement),
        )
        unmet = (
            facts.unmet_requirements(found.coverage_rows)
            if requirement.kind == ReviewRequirement.Kind.COVERAGE and forecast.status != "met"
            else []
        )
        rows.append(ForecastRow(requirement, forecast, unmet))
    return EnrolmentForecast(enrolment, review_date, start, today, rows)


# --- Report questions ------------------------------------------------------------------------


def report_questions_of(programme: Programme) -> list[dict]:
    """The programme's own questions for the report, or Waymark's default set."""
    own = ReportQuestions.objects.filter(programme=programme).values_list("questions", flat=True)
    return next(iter(own), None) or DEFAULT_QUESTIONS


def has_own_questions(programme: Programme) -> bool:
    return ReportQuestions.objects.filter(programme=programme).exists()


# --- Reports ---------------------------------------------------------------------------------


def is_active_educational_supervisor(user, trainee) -> bool:
    """Whether `user` is the trainee's educational supervisor today: who writes the report."""
    return _educational_supervisions(user).filter(trainee=trainee).exists()


def reports_visible_to(user) -> QuerySet[SupervisorReport]:
    """A supervisor's own reports, drafts included; signed reports for their trainee, for
    the trainee's supervisors today, and for the admins of the programme's organisation."""
    if not user.is_authenticated:
        return SupervisorReport.objects.none()
    signed_for = (
        Q(trainee=user)
        | Q(trainee__in=account_selectors.supervised_trainee_ids(user))
        | Q(enrolment__programme__organisation__in=_administered_by(user))
    )
    return (
        SupervisorReport.objects.filter(
            Q(supervisor=user) | (Q(state=SupervisorReport.State.SIGNED) & signed_for)
        )
        .select_related(
            "trainee", "supervisor", "enrolment__programme__organisation", "enrolment__trainee"
        )
        .order_by("-period_end", "-pk")
    )


def access_report(user, report_id) -> SupervisorReport:
    return get_or_404(reports_visible_to(user), "No such report.", pk=report_id)


def access_own_report(user, report_id) -> SupervisorReport:
    """A report the user is writing or wrote: for changes only its supervisor may make."""
    return get_or_404(
        SupervisorReport.objects.select_related(
            "trainee", "supervisor", "enrolment__programme__organisation", "enrolment__trainee"
        ),
        "No such report.",
        pk=report_id,
        supervisor=user,
    )


def reports_on(user, enrolment: Enrolment) -> QuerySet[SupervisorReport]:
    """The enrolment's reports the user may see: signed ones, and their own drafts."""
    return reports_visible_to(user).filter(enrolment=enrolment)


def signed_reports_of(trainee) -> QuerySet[SupervisorReport]:
    """The trainee's signed reports, for their exports: oldest first."""
    return (
        SupervisorReport.objects.signed()
        .filter(trainee=trainee)
        .select_related("supervisor", "enrolment__programme__organisation")
        .order_by("period_end", "pk")
    )


# --- Organisation admins ---------------------------------------------------------------------


def enrolments_for_admin(programme: Programme) -> QuerySet[Enrolment]:
    """The programme's enrolments, with their review dates, for its admins' page."""
    return (
        Enrolment.objects.filter(programme=programme)
        .select_related("trainee", "annual_review")
        .order_by("-start_date", "-pk")
    )


def access_enrolment_in(programme: Programme, enrolment_id) -> Enrolment:
    return get_or_404(enrolments_for_admin(programme), "No such enrolment.", pk=enrolment_id)


def access_requirement(programme: Programme, requirement_id) -> ReviewRequirement:
    return get_or_404(requirements_of(programme), "No such requirement.", pk=requirement_id)


def requirements_visible_to(user) -> QuerySet[ReviewRequirement]:
    """The review requirements of the programmes of every organisation the user
    administers, for the API."""
    return (
        ReviewRequirement.objects.filter(programme__organisation__in=_administered_by(user))
        .select_related("programme")
        .order_by("programme_id", "kind", "assessment_type", "pk")
    )


def programmes_administered_by(user) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation__in=_administered_by(user))


def educational_supervision_start(supervisor, trainee) -> date | None:
    """When the supervisor's current educational supervision of the trainee began."""
    return (
        _educational_supervisions(supervisor)
        .filter(trainee=trainee)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
