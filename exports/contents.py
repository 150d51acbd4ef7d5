"""What a PDF portfolio says, gathered for one trainee from their own records only: the
entries the filters choose, CPD credits per appraisal year, curriculum coverage, badges and
educational supervisors' signed reports, each sign-off and badge with the public link (and
QR code) that checks it on paper.

A fixed number of queries however many entries there are."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from badges import selectors as badge_selectors
from core.site import absolute_url
from curriculum import selectors as curriculum_selectors
from curriculum.models import Item
from exports.filters import Filters
from portfolio import coverage as portfolio_coverage
from portfolio import selectors as portfolio_selectors
from portfolio.models import EntryItem, LearningEntry, SignOff, Status
from portfolio.verification import qr_code_svg, sign_off_link
from reviews import selectors as review_selectors
from reviews.models import SupervisorReport
from reviews.questions import answered


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI: the PDF carries it, and rendering fetches
    nothing."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_code_svg(url)).decode("ascii")


@dataclass
class Verification:
    url: str
    qr: str  # data URI


@dataclass
class EntryPage:
    entry: LearningEntry
    sign_off: SignOff | None
    verification: Verification | None
    evidence_names: list[str]

    @property
    def hours(self) -> Decimal | None:
        minutes = self.entry.duration_minutes
        return (Decimal(minutes) / 60).quantize(Decimal("0.01")) if minutes else None


@dataclass
class CreditYear:
    start: date
    end: date
    credits: Decimal
    entries: int
    # Where the chart draws it, in the SVG's units (see CHART_*).
    y: float = 0
    bar_width: float = 0

    @property
    def value_x(self) -> float:
        return CHART_LABEL + self.bar_width + 1.5


@dataclass
class ReportPage:
    """A signed educational supervisor's report: its answers in its questions' order, and
    the counts and coverage kept when it was signed (report.summary)."""

    report: SupervisorReport
    answers: list[tuple[dict, str]]

    @property
    def assessments(self) -> str:
        """The completed assessments counted when signed, those of which there were any."""
        done = [
            f"{a['label']}: {a['completed']}"
            for a in self.report.summary.get("assessments", [])
            if a["completed"]
        ]
        return "; ".join(done) or "None"


@dataclass
class Portfolio:
    trainee: object
    filters: Filters
    generated_at: object
    entries: list[EntryPage] = field(default_factory=list)
    credit_years: list[CreditYear] = field(default_factory=list)
    target: int = 50
    coverage: list[tuple[object, list, dict]] = field(default_factory=list)
    awards: list[tuple[object, Verification | None]] = field(default_factory=list)
    # Badges issued elsewhere, with how Waymark last verified each with its issuer.
    external_badges: list = field(default_factory=list)
    reports: list[ReportPage] = field(default_factory=list)
    # The chart's target line, in the SVG's units.
    target_x: float = 0

    @property
    def chart_height(self) -> int:
        return CHART_ROW * len(self.credit_years) + 4

    @property
    def signed_off(self) -> int:
        return sum(1 for page in self.entries if page.sign_off)


def entries_for_export(trainee, filters: Filters) -> QuerySet[LearningEntry]:
    """The trainee's own entries that the filters choose, oldest first, with everything
    the PDF prints about each."""
    entries = LearningEntry.objects.for_trainee(trainee).filter(
        date__range=(filters.date_from, filters.date_to)
    )
    if filters.kinds:
        entries = entries.filter(kind__in=filters.kinds)
    if filters.signed_off_only:
        entries = entries.signed_off()
    if filters.items:
        entries = entries.filter(
            Exists(
                EntryItem.objects.filter(
                    entry=OuterRef("pk"), item__in=_with_descendants(filters.items)
                )
            )
        )
    return entries.order_by("date", "pk").prefetch_related(
        Prefetch("mappings", queryset=EntryItem.objects.select_related("item").order_by("pk")),
        "evidence",
        Prefetch(
            "sign_offs",
            queryset=SignOff.objects.select_related("supervisor", "link", "withdrawal"),
        ),
    )


def _with_descendants(item_ids) -> set[int]:
    """The items and every item under them: an entry mapped to FPC1 is evidence for HLO1."""
    tree = list(
        Item.objects.filter(
            framework__in=Item.objects.filter(pk__in=item_ids).values("framework")
        ).only("pk", "parent_id")
    )
    ids = set(item_ids)
    for pk in item_ids:
        ids |= curriculum_selectors.descendant_ids(tree, pk)
    return ids


def gather(trainee, filters: Filters, *, progress=None) -> Portfolio:
    """Everything the PDF shows. `progress(percent, what)` hears how far it has got, from 0
    to 100 of this step."""
    say = progress or (lambda percent, what: None)
    portfolio = Portfolio(
        trainee=trainee,
        filters=filters,
        generated_at=timezone.now(),
        target=portfolio_selectors.cpd_target(),
    )
    say(0, "Reading your entries")
    entries = list(entries_for_export(trainee, filters))
    total = len(entries)
    for done, entry in enumerate(entries, start=1):
        portfolio.entries.append(_entry_page(entry))
        if done % 50 == 0:
            say(round(60 * done / total), f"Preparing entry {done} of {total}")
    portfolio.credit_years, portfolio.target_x = credit_years(entries, portfolio.target)
    say(70, "Working out your curriculum coverage")
    for programme, rows in portfolio_coverage.coverage_of_programmes(
        trainee=trainee, programmes=curriculum_selectors.programmes_of_trainee(trainee)
    ):
        portfolio.coverage.append(
            (programme, list(_flatten(rows)), portfolio_coverage.coverage_summary(rows))
        )
    say(90, "Listing your badges")
    for award in badge_selectors.awards_of(trainee).standing():
        path = badge_selectors.award_public_url(award, "badges:award_verify")
        url = absolute_url(path) if path else None
        portfolio.awards.append((award, Verification(url, qr_data_uri(url)) if url else None))
    portfolio.external_badges = list(badge_selectors.external_badges_of(trainee))
    # Signed reports only, whatever the period chosen: each says which period it covers.
    portfolio.reports = [
        ReportPage(report, answered(report.questions, report.answers))
        for report in review_selectors.signed_reports_of(trainee)
    ]
    say(100, "Gathered")
    return portfolio


def _entry_page(entry: LearningEntry) -> EntryPage:
    sign_off = portfolio_selectors.current_sign_off(entry)
    if entry.status != Status.SIGNED_OFF:
        sign_off = None
    verification = None
    if sign_off is not None and hasattr(sign_off, "link"):
        url = sign_off_link(sign_off)
        verification = Verification(url, qr_data_uri(url))
    names = [e.title or e.original_name or e.url for e in entry.evidence.all()]
    return EntryPage(entry, sign_off, verification, names)


def _flatten(rows) -> Iterator:
    for row in rows:
        yield row
        yield from _flatten(row.children)


# The credit chart's geometry, in SVG units: a label column, then bars up to CHART_BAR long.
CHART_LABEL, CHART_BAR, CHART_ROW = 24, 120, 10


def credit_years(entries: list[LearningEntry], target: int) -> tuple[list[CreditYear], float]:
    """CPD credits of the exported entries per appraisal year (1 April to 31 March), oldest
    year first, and where the chart draws the target: bars are scaled so that the longer of
    the top year and the target fills the chart."""
    years: dict[date, CreditYear] = {}
    for entry in entries:
        start, end = portfolio_selectors.appraisal_year(entry.date)
        year = years.setdefault(start, CreditYear(start, end, Decimal("0"), 0))
        year.credits += entry.cpd_credits
        year.entries += 1
    ordered = [years[start] for start in sorted(years)]
    top = max([float(y.credits) for y in ordered] + [float(target), 1.0])
    for row, year in enumerate(ordered):
        year.y = row * CHART_ROW + 2
        year.bar_width = round(float(year.credits) / top * CHART_BAR, 1)
    return ordered, round(CHART_LABEL + target / top * CHART_BAR, 1)
