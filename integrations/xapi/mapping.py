"""From an xAPI statement to a learning entry's fields: which verbs mean learning done,
which activity types are which kind of entry, and the words and hours the statement
carries. Pure: the service decides what to do with the result."""

import json
from functools import cache
from pathlib import Path

from django.utils import timezone

from integrations.xapi import statements
from portfolio.models import TEXT_MAX_LENGTH, Kind

ADL = "http://adlnet.gov/expapi/verbs/"
# Verbs that say the learning took place. The others (launched, answered, failed…) are
# kept as statements but make no entry: a trainee's portfolio records learning done.
LEARNING_VERBS = {"completed", "passed", "attended", "experienced", "mastered"}

ACTIVITIES = "http://adlnet.gov/expapi/activities/"
# Activity types (ADL's vocabulary) to entry kinds. Anything else from an e-learning
# provider is an e-learning module.
KINDS = {
    ACTIVITIES + "course": Kind.ELEARNING,
    ACTIVITIES + "module": Kind.ELEARNING,
    ACTIVITIES + "lesson": Kind.ELEARNING,
    ACTIVITIES + "assessment": Kind.ELEARNING,
    ACTIVITIES + "simulation": Kind.SIMULATION,
    ACTIVITIES + "meeting": Kind.SPECIALTY_MEETING,
    ACTIVITIES + "media": Kind.READING,
    ACTIVITIES + "file": Kind.READING,
    ACTIVITIES + "link": Kind.READING,
}
TITLE_MAX_LENGTH = 200
# The languages read first from a language map, in order.
LANGUAGES = ("en-GB", "en", "en-US")


@cache
def adl_verbs() -> dict[str, str]:
    """ADL's verb IRIs by their word, from the copy kept beside this module."""
    data = json.loads((Path(__file__).parent / "adl_verbs.json").read_text())
    return {item["code"]: item["iri"] for item in data["items"]}


def learning_verb(verb_iri: str) -> str | None:
    """The ADL word for a verb that records learning done, or None."""
    for word in LEARNING_VERBS:
        if adl_verbs()[word] == verb_iri:
            return word
    return None


def in_words(language_map: dict | None) -> str:
    if not language_map:
        return ""
    for language in LANGUAGES:
        if language_map.get(language):
            return language_map[language]
    return next(iter(language_map.values()), "")


def entry_fields(statement: dict, *, provider_name: str) -> dict | None:
    """log_entry's arguments for a statement of learning done, or None if the statement
    records no learning (another verb, or an object that is not an activity)."""
    obj = statement["object"]
    if learning_verb(statement["verb"]["id"]) is None:
        return None
    if obj.get("objectType", "Activity") != "Activity":
        return None
    definition = obj.get("definition", {})
    title = in_words(definition.get("name")) or obj["id"]
    duration = statement.get("result", {}).get("duration")
    moment = statements.timestamp(statement["timestamp"]) if "timestamp" in statement else None
    return {
        "kind": KINDS.get(definition.get("type"), Kind.ELEARNING),
        "title": title[:TITLE_MAX_LENGTH],
        "description": in_words(definition.get("description"))[:TEXT_MAX_LENGTH],
        "date": timezone.localdate(moment) if moment else timezone.localdate(),
        "duration_minutes": statements.duration_minutes(duration) if duration else None,
        "provider": provider_name[:200],
        "external_id": statement["id"],
    }
