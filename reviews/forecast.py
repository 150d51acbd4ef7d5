"""The annual-review forecast as pure functions over counts and dates: what a trainee has
now, their pace, what that pace gives by the review date, and whether that is enough.

The pace is the trainee's average per day since the review period began (the later of the
enrolment's start and a year before the review), not a recent window: over a whole period it
is steadier, and a quiet fortnight on nights or on leave does not put everything at risk, nor
one busy week make everything look on track. The projection is that pace carried on to the
review date; counts are rounded down (half an assessment is none) and credits to a hundredth.
Nothing here reads the clock or the database: callers pass `today` and the counts.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils import dateformat

MET, ON_TRACK, AT_RISK = "met", "on_track", "at_risk"
STATUS_LABELS = {MET: "Met", ON_TRACK: "On track", AT_RISK: "At risk"}

WHOLE, HUNDREDTHS = Decimal("1"), Decimal("0.01")


def review_period_start(enrolment_start: date, review_date: date) -> date:
    """The first day the review counts: a year before the review, or the enrolment's start if
    that is later."""
    try:
        year_before = review_date.replace(year=review_date.year - 1)
    except ValueError:  # 29 February
        year_before = review_date.replace(year=review_date.year - 1, day=28)
    return max(enrolment_start, year_before + timedelta(days=1))


@dataclass(frozen=True)
class Forecast:
    label: str
    # What the count is of, in a sentence's words: "CBDs", "CPD credits".
    noun: str
    current: Decimal
    target: Decimal
    projected: Decimal
    # Per day since the period began; None before it has begun.
    pace: Decimal | None
    status: str
    # How many more the trainee needs: beyond the projection when at risk, else beyond now.
    missing: Decimal
    sentence: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def at_risk(self) -> bool:
        return self.status == AT_RISK


def _number(value: Decimal, whole: bool) -> str:
    if whole:
        return str(int(value))
    text = f"{value.quantize(HUNDREDTHS):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _day(value: date) -> str:
    return dateformat.format(value, "j F")


def project(
    *,
    label: str,
    noun: str,
    current,
    target,
    period_start: date,
    review_date: date,
    today: date,
    whole: bool = True,
    you: bool = True,
    ceiling=None,
) -> Forecast:
    """Forecast one requirement. `whole` for counts (assessments, requirements met) rather
    than credits; `you` words the sentence for the trainee ("your pace"), else for someone
    reading about them ("their pace"); `ceiling`, the most there can be (a programme has so
    many curriculum requirements to meet), caps the projection."""
    current, target = Decimal(current), Decimal(target)
    step = WHOLE if whole else HUNDREDTHS
    # Days of the period gone, today included, and days left up to the review date.
    elapsed = (min(today, review_date) - period_start).days + 1
    remaining = max((review_date - today).days, 0)
    pace = current / elapsed if elapsed > 0 else None
    projected = current
    if pace is not None:
        projected = (current + pace * remaining).quantize(step, rounding=ROUND_FLOOR)
        if ceiling is not None:
            projected = max(min(projected, Decimal(ceiling)), current)
    if current >= target:
        status = MET
    elif projected >= target:
        status = ON_TRACK
    else:
        status = AT_RISK
    missing = max(target - (projected if status == AT_RISK else current), Decimal(0))
    missing = missing.quantize(step, rounding=ROUND_CEILING)
    numbers = {
        "current": _number(current, whole),
        "target": _number(target, whole),
        "projected": _number(projected, whole),
        "missing": _number(missing, whole),
    }
    sentence = _sentence(status, noun, numbers, period_start, review_date, today, pace, you=you)
    return Forecast(label, noun, current, target, projected, pace, status, missing, sentence)


def _sentence(status, noun, n, period_start, review_date, today, pace, *, you) -> str:
    have = f"{n['current']} of {n['target']} {noun}"
    if status == MET:
        return f"{have}: met."
    review = _day(review_date)
    if today >= review_date:
        return f"{have} by the review on {review}: {n['missing']} short."
    if pace is None:
        return (
            f"{have}; the review period starts on {_day(period_start)}: "
            f"{n['missing']} needed by {review}."
        )
    whose, who = ("your", "you") if you else ("their", "they")
    if not pace:
        outlook = f"none since {_day(period_start)}, so at {whose} pace {who} will still have none"
    else:
        outlook = f"at {whose} pace since {_day(period_start)} {who} will have {n['projected']}"
    if status == ON_TRACK:
        return f"{have}; {outlook} by {review}: on track, {n['missing']} more to go."
    return f"{have}; {outlook} by {review}: {n['missing']} more needed."


def summary(forecasts: list[Forecast]) -> dict[str, int]:
    """How many requirements are met, on track and at risk."""
    counts = {MET: 0, ON_TRACK: 0, AT_RISK: 0}
    for forecast in forecasts:
        counts[forecast.status] += 1
    return counts
