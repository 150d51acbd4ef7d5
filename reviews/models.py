"""The annual review: what a programme asks trainees to have by their review, the date of
each trainee's review, and the educational supervisor's report, signed and then locked.

Programmes and enrolments are curriculum's; what the annual review asks beyond a
programme's per-item requirements lives here, so that curriculum knows nothing of
assessments or reports."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assessments.models import AssessmentType
from core.identity import PortableIdentity
from curriculum.models import Enrolment, Programme


class ReviewRequirement(models.Model):
    """One thing a programme asks each trainee to have by their annual review."""

    class Kind(models.TextChoices):
        ASSESSMENTS = "assessments", "Completed assessments of one type"
        CPD = "cpd_credits", "CPD credits"
        COVERAGE = "coverage", "Curriculum requirements met"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="review_requirements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Only for assessments: which type counts.
    assessment_type = models.CharField(
        max_length=20, choices=AssessmentType.choices, blank=True, default=""
    )
    target = models.PositiveIntegerField(
        help_text="How many by the review: assessments, CPD credits, or requirements met."
    )

    class Meta:
        ordering = ["kind", "assessment_type", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "assessment_type"], name="review_requirement_once"
            ),
            models.CheckConstraint(condition=Q(target__gte=1), name="review_target_positive"),
            # An assessment count names its type; nothing else does.
            models.CheckConstraint(
                condition=Q(kind="assessments", assessment_type__gt="")
                | (~Q(kind="assessments") & Q(assessment_type="")),
                name="review_requirement_type_for_assessments",
            ),
        ]

    def __str__(self):
        return f"{self.programme}: {self.target} {self.label}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.ASSESSMENTS:
            return AssessmentType(self.assessment_type).label
        return self.get_kind_display()


def default_review_date(enrolment: Enrolment) -> date:
    """A year's training after the enrolment starts: the day before its first anniversary
    (31 July for a 1 August start), when UK annual reviews of the training year fall due."""
    start = enrolment.start_date
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


class AnnualReview(models.Model):
    """The date of an enrolment's annual review, where the programme's admins have set one;
    without a row, the review falls on default_review_date."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="annual_review"
    )
    review_date = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Annual review of {self.enrolment} on {self.review_date}"


class ReportQuestions(models.Model):
    """A programme's own questions for the educational supervisor's report, replacing
    Waymark's default set (reviews.questions.DEFAULT_QUESTIONS)."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="report_questions"
    )
    questions = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Report questions of {self.programme}"


class SupervisorReportQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(state=SupervisorReport.State.SIGNED)

    def drafts(self):
        return self.filter(state=SupervisorReport.State.DRAFT)


class SupervisorReport(PortableIdentity):
    """An educational supervisor's report on a trainee's placement, for the annual review.

    Drafts are the supervisor's alone. Signing snapshots the trainee's counts and coverage
    into `summary`, records a hash of everything signed, and locks the report for good."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="supervisor_reports"
    )
    # The enrolment's trainee, copied, so reports are scoped without a join.
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_about"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_written"
    )
    # The programme's questions as they stood when the report was started: changing them
    # later changes no report already begun.
    questions = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # Counts and coverage as they were when signed; empty while a draft, whose page works
    # them out afresh.
    summary = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = SupervisorReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=models.F("trainee")), name="report_not_by_trainee"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | (Q(signed_at__isnull=False) & ~Q(content_hash="")),
                name="signed_report_has_time_and_hash",
            ),
            # One report in progress per supervisor and enrolment: a second click on
            # "Start a report" finds the first.
            models.UniqueConstraint(
                fields=["enrolment", "supervisor"],
                condition=Q(state="draft"),
                name="one_draft_report_per_supervisor",
            ),
        ]
        indexes = [models.Index(fields=["trainee", "state"], name="report_by_trainee")]

    def __str__(self):
        return f"Educational supervisor's report on {self.trainee} by {self.supervisor}"

    def get_absolute_url(self):
        return reverse("reviews:report", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.SIGNED
