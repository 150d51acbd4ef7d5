"""CPD credits per appraisal year, counted as the dashboard counts them: every entry of the
trainee dated in the year, whatever its status, against the annual target."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from portfolio import selectors
from portfolio.models import LearningEntry

HOURS = Decimal("0.01")


@dataclass(frozen=True)
class CpdYear:
    """One appraisal year (1 April to 31 March): credits and hours of learning, in all and
    month by month, and the target they count towards."""

    start: date
    end: date
    credits: Decimal
    hours: Decimal
    target: int
    months: list[tuple[date, Decimal]]

    @property
    def year(self) -> int:
        """The year it starts in: 2025 for 1 April 2025 to 31 March 2026."""
        return self.start.year

    @property
    def met(self) -> bool:
        return self.credits >= self.target


def cpd_years(trainee, *, today: date, year: int | None = None) -> list[CpdYear]:
    """The trainee's appraisal years, newest first: from the one holding their earliest
    entry to the current one, each present even with nothing logged in it, so that a gap
    shows. With `year`, that year alone. One query, however many years."""
    current = selectors.appraisal_year(today)[0].year
    entries = LearningEntry.objects.filter(trainee=trainee)
    if year is not None:
        entries = entries.filter(date__range=_bounds(year))
    totals = {}
    for row in (
        entries.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(credits=Sum("cpd_credits"), minutes=Sum("duration_minutes"))
    ):
        # SQLite answers TruncMonth of a date with a datetime.
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        totals[month] = (row["credits"] or Decimal("0"), row["minutes"] or 0)
    if year is not None:
        years = [year]
    else:
        first = min([_year_of(month) for month in totals] + [current])
        last = max([_year_of(month) for month in totals] + [current])
        years = list(range(last, first - 1, -1))
    target = selectors.cpd_target()
    return [_cpd_year(y, totals, target) for y in years]


def _bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def _year_of(month: date) -> int:
    return selectors.appraisal_year(month)[0].year


def _cpd_year(year: int, totals: dict, target: int) -> CpdYear:
    start, end = _bounds(year)
    months, minutes = [], 0
    month = start
    while month <= end:
        credits, month_minutes = totals.get(month, (Decimal("0"), 0))
        months.append((month, credits))
        minutes += month_minutes
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return CpdYear(
        start=start,
        end=end,
        credits=sum((credits for _, credits in months), Decimal("0")),
        hours=(Decimal(minutes) / 60).quantize(HOURS),
        target=target,
        months=months,
    )
