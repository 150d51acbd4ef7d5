"""What a PDF export includes: a period, kinds of entry, curriculum items, signed-off entries
only, and reflections or not. Checked here once, for the export page and the API alike, and
stored with the export as JSON so that the worker renders exactly what was asked for."""

from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from portfolio import selectors as portfolio_selectors
from portfolio.models import Kind


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    kinds: tuple[str, ...] = ()  # empty: every kind
    items: tuple[int, ...] = ()  # empty: any item, or none; else mapped to one or under one
    signed_off_only: bool = False
    include_reflections: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data.update(
            date_from=self.date_from.isoformat(),
            date_to=self.date_to.isoformat(),
            kinds=list(self.kinds),
            items=list(self.items),
        )
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Filters":
        return cls(
            date_from=date.fromisoformat(data["date_from"]),
            date_to=date.fromisoformat(data["date_to"]),
            kinds=tuple(data.get("kinds", ())),
            items=tuple(data.get("items", ())),
            signed_off_only=bool(data.get("signed_off_only")),
            include_reflections=bool(data.get("include_reflections")),
        )


def default_period(today: date | None = None) -> tuple[date, date]:
    """The current appraisal year, 1 April to 31 March."""
    return portfolio_selectors.appraisal_year(today or timezone.localdate())


@dataclass
class Chosen:
    """Filters as a form or the API parsed them, before Waymark checks them."""

    date_from: date | None = None
    date_to: date | None = None
    kinds: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    signed_off_only: bool = False
    include_reflections: bool = False


def check_filters(trainee, chosen: Chosen) -> Filters:
    """The filters, with the defaults filled in, or a ValidationError naming each field
    that is wrong. Items must be of the trainee's own curricula: an export never names an
    item the trainee could not have mapped to."""
    start, end = default_period()
    date_from = chosen.date_from or start
    date_to = chosen.date_to or end
    problems: dict[str, list[str]] = {}
    if date_to < date_from:
        problems["date_to"] = [
            f"The end of the period cannot be before its start "
            f"({dateformat.format(date_from, 'j F Y')})."
        ]
    unknown_kinds = sorted(set(chosen.kinds) - set(Kind.values))
    if unknown_kinds:
        problems["kinds"] = [f"Not a kind of entry: {', '.join(unknown_kinds)}."]
    wanted = set(chosen.items)
    allowed = set(
        portfolio_selectors.allowed_items(trainee)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        problems["items"] = [
            "Choose items of your own programmes' curricula; these are not: "
            + ", ".join(str(pk) for pk in sorted(wanted - allowed))
            + "."
        ]
    if problems:
        raise ValidationError(problems)
    return Filters(
        date_from=date_from,
        date_to=date_to,
        kinds=tuple(k for k in Kind.values if k in set(chosen.kinds)),
        items=tuple(sorted(wanted)),
        signed_off_only=chosen.signed_off_only,
        include_reflections=chosen.include_reflections,
    )
