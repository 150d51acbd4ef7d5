"""Deciding a badge rule from the facts gathered for it: whether it is met, how far along
the trainee is ("3 of 5 social media entries"), and, for a rule that is met, what met it.
Pure functions over plain data (the rule language and the facts asked for are in
badges.rules; badges.facts gathers them), tested without a database."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from badges.rules import fact_request


@dataclass(frozen=True)
class Tally:
    """The fact behind an `event_count` or `cpd_credits` rule: the entries counted, how many
    of them are under a standing sign-off, the first and last of their dates, and the CPD
    credits they carry (`cpd_credits` counts only entries that carry some)."""

    entries: int
    signed_off: int = 0
    first: date | None = None
    last: date | None = None
    credits: float = 0


@dataclass(frozen=True)
class Coverage:
    """The fact behind a `coverage` rule: items covered of those under the item named."""

    covered: int
    total: int
    title: str = ""


@dataclass(frozen=True)
class Attendance:
    """The fact behind an `attendance` rule: sessions attended of those held so far."""

    attended: int
    sessions: int
    programme: str = ""


@dataclass(frozen=True)
class HeldElsewhere:
    """The fact behind an `external_badge` rule: the names of the trainee's badges from
    elsewhere, by that issuer (for that achievement), that verify and have not expired."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    met: bool
    current: int
    target: int
    label: str
    # What the trainee's portfolio showed, leaf by leaf, in the shape badges.achievements reads.
    achieved: dict | None = None


def _noun(rule: dict) -> str:
    """What an entry count counts, without saying whether they are signed off: the
    record of how a rule was met says how many were, whatever the rule asked."""
    if rule.get("label"):
        return rule["label"].removeprefix("signed-off ")
    kinds = rule.get("kinds")
    if not kinds or len(kinds) > 1:
        return "entries"
    return KIND_NOUNS.get(kinds[0], kinds[0].replace("_", " ")) + " entries"


KIND_NOUNS = {"elearning": "e-learning"}


def _count_label(rule: dict) -> str:
    if rule.get("label"):
        return rule["label"]
    return f"{'signed-off ' if rule.get('signed_off_only') else ''}{_noun(rule)}"


def _tally_achieved(rule: dict, tally: Tally) -> dict:
    return {
        "entries": tally.entries,
        "signed_off": tally.signed_off,
        "signed_off_only": bool(rule.get("signed_off_only")),
        "first": tally.first.isoformat() if tally.first else None,
        "last": tally.last.isoformat() if tally.last else None,
    }


def evaluate(rule: dict, facts: dict, held: Mapping[str, str], today: date) -> Result:
    """Decide a rule from gathered facts and the badges already held (slug → name). Pure."""
    kind = rule["type"]
    if kind == "event_count":
        tally = facts[fact_request(rule, today)]
        return Result(
            tally.entries >= rule["min"],
            min(tally.entries, rule["min"]),
            rule["min"],
            _count_label(rule),
            {"type": kind, "noun": _noun(rule), **_tally_achieved(rule, tally)},
        )
    if kind == "cpd_credits":
        tally = facts[fact_request(rule, today)]
        target = rule["min"]
        return Result(
            tally.credits >= target,
            int(min(tally.credits, target)),
            int(target),
            "CPD credits",
            {"type": kind, "credits": tally.credits, **_tally_achieved(rule, tally)},
        )
    if kind == "coverage":
        fact = facts[fact_request(rule, today)]
        # An item with nothing under it is covered by its own entries (total counts it).
        return Result(
            fact.total > 0 and fact.covered >= fact.total,
            fact.covered,
            max(fact.total, 1),
            "curriculum items covered",
            {
                "type": kind,
                "item": rule["item"],
                "title": fact.title,
                "covered": fact.covered,
                "items": fact.total,
                "min_signed_off": rule["min_signed_off"],
            },
        )
    if kind == "attendance":
        fact = facts[fact_request(rule, today)]
        sessions = fact.sessions
        needed = -(-sessions * rule["min_percent"] // 100) if sessions else 1
        return Result(
            sessions > 0 and fact.attended >= needed,
            min(fact.attended, needed),
            int(needed),
            "sessions attended",
            {
                "type": kind,
                "programme": fact.programme or rule["programme"],
                "attended": fact.attended,
                "sessions": sessions,
                "mandatory_only": bool(rule.get("mandatory_only")),
            },
        )
    if kind == "external_badge":
        fact = facts[fact_request(rule, today)]
        return Result(
            bool(fact.names),
            min(len(fact.names), 1),
            1,
            "badges issued elsewhere",
            {"type": kind, "issuer": rule["issuer"], "held": list(fact.names)},
        )
    if kind == "badges":
        wanted = rule.get("all") or rule["of"]
        needed = len(wanted) if "all" in rule else rule["at_least"]
        have = [slug for slug in wanted if slug in held]
        return Result(
            len(have) >= needed,
            min(len(have), needed),
            needed,
            "badges",
            {"type": kind, "held": [held[slug] for slug in have]},
        )
    parts = [evaluate(sub, facts, held, today) for sub in rule["rules"]]
    if kind == "all":
        current = sum(p.current for p in parts)
        return Result(
            all(p.met for p in parts),
            current,
            sum(p.target for p in parts),
            "steps",
            {"type": kind, "rules": [p.achieved for p in parts]},
        )
    best = max(parts, key=lambda p: (p.met, p.current / p.target if p.target else 0))
    # Of the alternatives, only those met say how the rule was met.
    return Result(
        any(p.met for p in parts),
        best.current,
        best.target,
        best.label,
        {"type": kind, "rules": [p.achieved for p in parts if p.met]},
    )
