"""What the annual review counts for one enrolment: completed assessments by type, CPD
credits, entries and sign-offs, and curriculum coverage. Each read is one aggregate query
(coverage three), whatever the size of the portfolio.

An assessment counts once its assessor has completed it, on the day of its case (the
entry's date), which is when the learning happened; when the assessor got round to it does
not move it between review years."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from assessments.models import Assessment, AssessmentType
from curriculum.models import Enrolment
from curriculum.selectors import walk
from portfolio import coverage as portfolio_coverage
from portfolio import selectors as portfolio_selectors
from portfolio.models import LearningEntry, Status
from reviews.models import ReviewRequirement


def completed_assessments(trainee, start: date, end: date) -> dict[str, int]:
    """Completed assessments by type, of cases dated from `start` to `end`."""
    rows = (
        Assessment.objects.completed()
        .filter(trainee=trainee, entry__date__range=(start, end))
        .values("assessment_type")
        .annotate(n=Count("pk"))
    )
    return {row["assessment_type"]: row["n"] for row in rows}


def cpd_credits(trainee, start: date, end: date) -> Decimal:
    total = LearningEntry.objects.filter(trainee=trainee, date__range=(start, end)).aggregate(
        credits=Sum("cpd_credits")
    )["credits"]
    return total or Decimal("0")


def coverage_of(enrolment: Enrolment) -> tuple[list, dict]:
    """The trainee's coverage rows of the enrolment's programme, and their summary."""
    rows = portfolio_coverage.coverage(trainee=enrolment.trainee, programme=enrolment.programme)
    return rows, portfolio_coverage.coverage_summary(rows)


def unmet_requirements(rows) -> list:
    """The required items not yet met, in tree order."""
    return [
        row
        for row in walk(rows)
        if row.requirement is not None and row.status != portfolio_coverage.MET
    ]


@dataclass
class Measures:
    """What the forecast compares with a programme's review requirements."""

    assessments: dict[str, int]
    credits: Decimal
    coverage_rows: list | None
    coverage: dict | None

    def current(self, requirement: ReviewRequirement):
        if requirement.kind == ReviewRequirement.Kind.ASSESSMENTS:
            return self.assessments.get(requirement.assessment_type, 0)
        if requirement.kind == ReviewRequirement.Kind.CPD:
            return self.credits
        return self.coverage["met"]

    def ceiling(self, requirement: ReviewRequirement):
        """The most there can be: as many curriculum requirements as the programme has."""
        if requirement.kind == ReviewRequirement.Kind.COVERAGE:
            return self.coverage["required"]
        return None


def measures(enrolment: Enrolment, requirements, start: date, today: date) -> Measures:
    """The counts the requirements need, from the period's start to today; coverage (three
    queries) only where a requirement asks for it."""
    kinds = {r.kind for r in requirements}
    rows = summary = None
    if ReviewRequirement.Kind.COVERAGE in kinds:
        rows, summary = coverage_of(enrolment)
    trainee = enrolment.trainee
    return Measures(
        assessments=(
            completed_assessments(trainee, start, today)
            if ReviewRequirement.Kind.ASSESSMENTS in kinds
            else {}
        ),
        credits=cpd_credits(trainee, start, today) if ReviewRequirement.Kind.CPD in kinds else 0,
        coverage_rows=rows,
        coverage=summary,
    )


# --- The report's summary ------------------------------------------------------------------


def report_summary(enrolment: Enrolment, start: date, end: date) -> dict:
    """What the educational supervisor's report says of the trainee's portfolio over the
    period, as plain data: kept as it is when the report is signed. Five queries."""
    trainee = enrolment.trainee
    year_start, year_end = portfolio_selectors.appraisal_year(end)
    in_period, in_year = Q(date__range=(start, end)), Q(date__range=(year_start, year_end))
    found = LearningEntry.objects.filter(trainee=trainee).aggregate(
        entries=Count("pk", filter=in_period),
        signed_off=Count("pk", filter=in_period & Q(status=Status.SIGNED_OFF)),
        credits=Sum("cpd_credits", filter=in_year),
    )
    assessments = completed_assessments(trainee, start, end)
    rows, coverage = coverage_of(enrolment)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "entries": found["entries"],
        "signed_off": found["signed_off"],
        "assessments": [
            {"type": value, "label": label, "completed": assessments.get(value, 0)}
            for value, label in AssessmentType.choices
        ],
        "cpd": {
            "year_start": year_start.isoformat(),
            "year_end": year_end.isoformat(),
            "credits": f"{found['credits'] or Decimal('0'):.2f}",
            "target": portfolio_selectors.cpd_target(),
        },
        "coverage": {
            "programme": enrolment.programme.name,
            "met": coverage["met"],
            "partly": coverage["partly"],
            "not_started": coverage["not_started"],
            "required": coverage["required"],
            "requirements": [
                {
                    "code": row.item.code,
                    "title": row.item.title,
                    "counted": row.counted,
                    "needed": row.requirement.min_entries,
                    "status": row.status,
                }
                for row in walk(rows)
                if row.requirement is not None
            ],
        },
    }
