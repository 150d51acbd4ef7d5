"""Demo portfolios (used by the seed_demo command), from portfolio/data/demo.json.

The first trainee gets about ten months of learning across every kind of entry; the others a
handful each. Everything goes through portfolio.services, so the demo has the same audit
trail, sign-offs and content hashes as real use, and `verify_audit` passes on it.

Re-running is harmless: each entry carries an external id ("demo-1" …) from the "import"
source, which log_entry treats as the same entry, and only entries that have never been
sent for sign-off are sent. The reflections describe no real person and contain nothing
that identifies a patient.
"""

from dataclasses import dataclass
from datetime import time, timedelta
from functools import cache

from django.utils import timezone

from core import demo_data
from curriculum.models import Item
from portfolio import services
from portfolio.models import LearningEntry, Source, Status

# What happens to an entry after it is logged.
DRAFT, SUBMITTED, SIGNED_OFF, RETURNED = "draft", "submitted", "signed_off", "returned"


@dataclass(frozen=True)
class Sample:
    """One demo entry, as the data file spells it; fields it leaves out take these defaults."""

    days_ago: int
    kind: str
    title: str
    provider: str
    minutes: int | None
    items: tuple[str, ...]
    tags: tuple[str, ...] = ()
    # What becomes of the entry, and which of the trainee's supervisors it goes to.
    outcome: str = DRAFT
    supervisor: str = "educational"
    comment: str = ""
    description: str = ""
    location: str = ""
    starts: time | None = None
    reflection: tuple[str, str, str] = ()
    reflection_shared: bool = False


@cache
def _data() -> dict:
    return demo_data.read("portfolio")


def framework() -> tuple[str, str]:
    """The slug and version of the framework every demo entry is mapped to."""
    return _data()["framework"]["slug"], _data()["framework"]["version"]


def portfolios() -> list[list[Sample]]:
    """Each demo trainee's entries: the first trainee's full portfolio, then the others'."""
    return [demo_data.records(samples, Sample) for samples in _data()["portfolios"]]


def seed(*, trainees, supervisors_by_trainee) -> list[LearningEntry]:
    """Log each trainee's demo entries and take them through sign-off as planned.

    `trainees` are in the order of portfolios(); `supervisors_by_trainee` maps each trainee to
    {supervision kind: supervisor}. An entry planned for a kind of supervisor the trainee
    does not have goes to one they do have."""
    slug, version = framework()
    items = {
        item.code: item
        for item in Item.objects.filter(framework__slug=slug, framework__version=version)
    }
    today = timezone.localdate()
    entries = []
    for trainee, samples in zip(trainees, portfolios(), strict=True):
        supervisors = supervisors_by_trainee[trainee]
        for number, sample in enumerate(samples, start=1):
            entry = _log(trainee, sample, number, items, today)
            if sample.outcome != DRAFT and _never_submitted(entry):
                supervisor = supervisors.get(sample.supervisor) or next(iter(supervisors.values()))
                _decide(trainee, entry, sample, supervisor)
            entries.append(entry)
    return entries


def _log(trainee, sample: Sample, number: int, items, today) -> LearningEntry:
    what_happened, learned, next_time = sample.reflection or ("", "", "")
    entry, _ = services.log_entry(
        actor=trainee,
        trainee=trainee,
        kind=sample.kind,
        title=sample.title,
        date=today - timedelta(days=sample.days_ago),
        time=sample.starts,
        duration_minutes=sample.minutes,
        provider=sample.provider,
        location=sample.location,
        description=sample.description,
        items=[items[code] for code in sample.items],
        tags=sample.tags,
        reflection_what_happened=what_happened,
        reflection_learned=learned,
        reflection_next_time=next_time,
        reflection_shared=sample.reflection_shared,
        source=Source.IMPORT,
        external_id=f"demo-{number}",
    )
    return entry


def _never_submitted(entry: LearningEntry) -> bool:
    # Only a fresh draft is sent: an entry someone has since recalled, edited or had
    # withdrawn in the demo stays as they left it.
    return entry.status == Status.DRAFT and not entry.sign_off_requests.exists()


def _decide(trainee, entry: LearningEntry, sample: Sample, supervisor) -> None:
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    if sample.outcome == SIGNED_OFF:
        services.approve(entry=entry, actor=supervisor, comment=sample.comment)
    elif sample.outcome == RETURNED:
        services.return_entry(entry=entry, actor=supervisor, comment=sample.comment)
    entry.refresh_from_db(fields=["status"])
