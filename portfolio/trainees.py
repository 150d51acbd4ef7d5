"""What a supervisor sees of the trainees they supervise today: the list of them, and one
trainee's portfolio at a glance (what changed since a moment, what waits for sign-off, CPD
this appraisal year, coverage of each programme). The trainee's page and the API read them
here alike; both check access first with selectors.access_supervised_trainee."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet

from accounts import selectors as account_selectors
from accounts.models import Supervision, User
from curriculum import selectors as curriculum_selectors
from curriculum.models import Enrolment, Programme
from portfolio import coverage as curriculum_coverage
from portfolio import selectors
from portfolio.coverage import CoverageRow
from portfolio.cpd import CpdYear, cpd_years
from portfolio.models import LearningEntry, SignOffRequest

# Changes and requests waiting listed; the rest are a click (or a filtered list) away.
LISTED = 10

NEW, CHANGED, SUBMITTED = "new", "changed", "submitted"


def supervised_trainees(supervisor) -> QuerySet[User]:
    """The people `supervisor` supervises today, by name, each with `their_supervisions`
    (the supervisor's supervisions of them in force today, with organisations) and
    `active_enrolments` (with programmes): three queries for a page, however long."""
    return (
        User.objects.filter(pk__in=account_selectors.supervised_trainee_ids(supervisor))
        .order_by("full_name", "email", "pk")
        .prefetch_related(
            Prefetch(
                "supervisions_received",
                queryset=Supervision.objects.active()
                .filter(supervisor=supervisor)
                .select_related("organisation")
                .order_by("pk"),
                to_attr="their_supervisions",
            ),
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.active().select_related("programme").order_by("pk"),
                to_attr="active_enrolments",
            ),
        )
    )


@dataclass
class ProgrammeCoverage:
    programme: Programme
    rows: list[CoverageRow]
    summary: dict[str, int]


@dataclass
class TraineeOverview:
    trainee: User
    # The supervisor's own supervisions of the trainee in force today.
    supervisions: list[Supervision]
    since: datetime | None
    # The first LISTED entries changed after `since`, latest first; None without a `since`.
    changes: list[LearningEntry] | None
    changes_total: int
    # The first LISTED requests waiting, oldest first, whoever was asked.
    waiting: list[SignOffRequest]
    waiting_total: int
    entry_count: int
    credits: CpdYear
    programmes: list[ProgrammeCoverage]


def trainee_overview(*, supervisor, trainee, since: datetime | None, today: date):
    """`trainee`'s portfolio as `supervisor` (checked by the caller) may see it, with what
    changed after `since`. A fixed number of queries: three per programme besides."""
    changes, changes_total = None, 0
    if since is not None:
        changed = selectors.changed_since(supervisor, trainee, since)
        changes, changes_total = list(changed[:LISTED]), changed.count()
    waiting = selectors.open_requests_of(trainee)
    start = selectors.appraisal_year(today)[0]
    return TraineeOverview(
        trainee=trainee,
        supervisions=list(
            account_selectors.active_supervisors_of(trainee).filter(supervisor=supervisor)
        ),
        since=since,
        changes=changes,
        changes_total=changes_total,
        waiting=list(waiting[:LISTED]),
        waiting_total=waiting.count(),
        entry_count=selectors.supervised_entries(supervisor, trainee).count(),
        # The trainee's own figure, as their dashboard shows it.
        credits=cpd_years(trainee, today=today, year=start.year)[0],
        programmes=[
            ProgrammeCoverage(programme, rows, curriculum_coverage.coverage_summary(rows))
            for programme, rows in curriculum_coverage.coverage_of_programmes(
                trainee=trainee, programmes=curriculum_selectors.programmes_of_trainee(trainee)
            )
        ],
    )


def change_of(entry: LearningEntry, since: datetime) -> str:
    """What happened to a changed entry, as a supervisor acts on it: sent for sign-off,
    new, or otherwise changed."""
    if entry.submitted_since:
        return SUBMITTED
    return NEW if entry.created_at > since else CHANGED
