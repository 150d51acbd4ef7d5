"""How an award was earned, in plain words a verifier can weigh: what the trainee's record
showed when the rules awarded it ("5 social media entries between 1 Aug 2026 and 12 Oct
2026, 3 of them signed off by a supervisor"), or who awarded it by hand.

Read from what the award recorded as it was made (Award.achieved), never from the entries as
they are now, so what an award says does not change when an entry is later edited. An award
made before Waymark recorded this says so, and invents nothing."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.timezone import localdate

from badges.models import Award


@dataclass(frozen=True)
class Statement:
    lead: str
    facts: list[str] = field(default_factory=list)
    # The issuer's own words, for a badge awarded by hand (published only if the trainee
    # makes the badge public: they may say more about the trainee than counts do).
    narrative: str = ""

    def as_text(self) -> str:
        """One paragraph, for the Open Badges evidence narrative."""
        if not self.facts:
            return self.lead
        if self.lead.endswith(":"):
            return f"{self.lead} {'; '.join(self.facts)}."
        return " ".join([self.lead, *(f"{fact}." for fact in self.facts)])


def describe(award: Award) -> Statement:
    achieved = award.achieved or {}
    if achieved.get("by") == "rules":
        on = _day(localdate(award.issued_on))
        return Statement(
            lead=f"Awarded automatically by Waymark on {on}, when the recipient's record showed:",
            facts=list(_facts(achieved["rule"])),
        )
    if achieved.get("by") == "hand":
        return Statement(
            lead=_by_hand(achieved["awarded_by"], achieved["issuer"]),
            facts=_linked(achieved),
            narrative=award.narrative,
        )
    # Recorded before Waymark kept how: say what is known for certain, and no more.
    if award.awarded_by_id is not None:
        return Statement(
            lead=_by_hand(award.awarded_by.full_name, award.badge_class.issuer.name),
            narrative=award.narrative,
        )
    return Statement(
        lead="Awarded automatically by Waymark's rules, before Waymark recorded how the "
        "criteria were met."
    )


def _by_hand(name: str, issuer: str) -> str:
    by = f"{name} for {issuer}" if name else f"the staff of {issuer}"
    return f"Awarded by hand by {by}, not automatically by Waymark's rules."


def _linked(achieved: dict) -> list[str]:
    count = achieved["entries"]
    if not count:
        return []
    each = "signed off by a supervisor" if count == 1 else "each signed off by a supervisor"
    return [f"Linked as evidence: {_words(_count(count, 'entries'), _period(achieved))}, {each}"]


def _facts(part: dict):
    kind = part["type"]
    if kind in ("all", "any"):
        for sub in part["rules"]:
            yield from _facts(sub)
    elif kind == "event_count":
        counted = _words(_count(part["entries"], part["noun"]), _period(part))
        yield f"{counted}, {_signed_off(part['entries'], part['signed_off'])}"
    elif kind == "cpd_credits":
        counted = _words(
            _credits(part["credits"]), "from", _count(part["entries"], "entries"), _period(part)
        )
        yield f"{counted}, {_signed_off(part['entries'], part['signed_off'])}"
    elif kind == "coverage":
        item = _words(part["item"].rsplit("/", 1)[-1], part["title"])
        if part["items"] == 1:
            covered = f"curriculum item {item}"
        elif part["covered"] == part["items"]:
            covered = f"all {part['items']} curriculum items under {item}"
        else:
            covered = f"{part['covered']} of the {part['items']} curriculum items under {item}"
        minimum = part["min_signed_off"]
        by = "an entry" if minimum == 1 else f"at least {minimum} entries"
        each = "covered" if part["items"] == 1 else "each covered"
        yield f"{covered}, {each} by {by} signed off by a supervisor"
    elif kind == "attendance":
        sessions = "mandatory sessions" if part["mandatory_only"] else "sessions"
        yield (
            f"attendance at {part['attended']} of the {part['sessions']} {sessions} of "
            f"{part['programme']} held by then, as recorded on the session registers"
        )
    elif kind == "badges":
        held = part["held"]
        if len(held) == 1:
            yield f"the {held[0]} badge, already held"
        else:
            yield f"the badges {_and(held)}, already held"
    elif kind == "external_badge":
        yield f"{_and(part['held'])}, issued elsewhere and verified, held in the backpack"


def _signed_off(count: int, signed_off: int) -> str:
    if count == 1:
        return "signed off by a supervisor" if signed_off else "not signed off by a supervisor"
    if signed_off == count:
        return f"all {count} signed off by a supervisor"
    if signed_off == 0:
        return "none of them signed off by a supervisor"
    return f"{signed_off} of them signed off by a supervisor"


def _count(number: int, noun: str) -> str:
    if number != 1:
        return f"{number} {noun}"
    if noun.endswith("entries"):
        return f"1 {noun.removesuffix('entries')}entry"
    return f"1 {noun.removesuffix('s')}"


def _credits(credits: float) -> str:
    number = f"{credits:.2f}".rstrip("0").rstrip(".")
    return f"{number} CPD credit{'' if number == '1' else 's'}"


def _period(part: dict) -> str:
    first, last = part["first"], part["last"]
    if not first:
        return ""
    if first == last:
        return f"on {_day(date.fromisoformat(first))}"
    return f"between {_day(date.fromisoformat(first))} and {_day(date.fromisoformat(last))}"


def _day(day: date) -> str:
    return format_date(day, "j M Y")


def _words(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
