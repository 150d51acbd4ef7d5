"""Checking an xAPI 1.0.3 statement's shape before anything is stored: what the
specification requires of the parts Waymark reads, so that a malformed statement is
answered 400 with the reason. Pure functions over the decoded JSON."""

import uuid
from datetime import datetime

import isodate

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# The properties a statement may have (xAPI-Data 2.2); an LRS rejects any other.
STATEMENT_PROPERTIES = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
    "authority", "version", "attachments",
}  # fmt: skip
# What the LRS itself sets, whatever the statement says (xAPI-Data 2.2).
SET_BY_THE_LRS = {"stored", "authority"}
# Inverse functional identifiers: an agent has exactly one (xAPI-Data 2.4.2.3).
IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")


class MalformedStatement(ValueError):
    """The statement breaks the specification; the message says how."""


def _iri(value, where: str) -> str:
    if not isinstance(value, str) or ":" not in value:
        raise MalformedStatement(f"{where} must be an IRI.")
    return value


def _language_map(value, where: str) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise MalformedStatement(f"{where} must be a language map of strings.")


def _agent(actor) -> None:
    if not isinstance(actor, dict):
        raise MalformedStatement("actor must be an object.")
    if actor.get("objectType", "Agent") not in ("Agent", "Group"):
        raise MalformedStatement("actor.objectType must be Agent or Group.")
    given = [name for name in IDENTIFIERS if name in actor]
    if actor.get("objectType") == "Group" and not given:
        return  # an anonymous group, identified by its members
    if len(given) != 1:
        raise MalformedStatement(
            "actor must have exactly one of mbox, mbox_sha1sum, openid, account."
        )
    if "mbox" in actor and not str(actor["mbox"]).startswith("mailto:"):
        raise MalformedStatement("actor.mbox must be a mailto: IRI.")
    if "account" in actor:
        account = actor["account"]
        if not (
            isinstance(account, dict)
            and isinstance(account.get("name"), str)
            and isinstance(account.get("homePage"), str)
        ):
            raise MalformedStatement("actor.account needs a homePage and a name.")


def _object(obj) -> None:
    if not isinstance(obj, dict):
        raise MalformedStatement("object must be an object.")
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        _iri(obj.get("id"), "object.id")
        definition = obj.get("definition", {})
        if not isinstance(definition, dict):
            raise MalformedStatement("object.definition must be an object.")
        for part in ("name", "description"):
            if part in definition:
                _language_map(definition[part], f"object.definition.{part}")
        if "type" in definition:
            _iri(definition["type"], "object.definition.type")
    elif kind == "StatementRef":
        statement_id(obj.get("id"), "object.id")
    elif kind not in ("Agent", "Group", "SubStatement"):
        raise MalformedStatement(f"object.objectType {kind!r} is not one xAPI knows.")


def statement_id(value, where: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise MalformedStatement(f"{where} must be a UUID.") from None


def timestamp(value) -> datetime:
    try:
        moment = isodate.parse_datetime(value)
    except (isodate.ISO8601Error, ValueError, TypeError, AttributeError):
        raise MalformedStatement("timestamp must be an ISO 8601 date and time.") from None
    if moment.tzinfo is None:
        raise MalformedStatement("timestamp must carry a time zone.")
    return moment


def duration_minutes(value) -> int | None:
    """`result.duration`, an ISO 8601 duration, in whole minutes (at least one)."""
    try:
        duration = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError, TypeError, AttributeError):
        raise MalformedStatement("result.duration must be an ISO 8601 duration.") from None
    if isinstance(duration, isodate.Duration):
        # Years or months have no fixed length; xAPI durations are hours and minutes.
        raise MalformedStatement("result.duration must not be given in years or months.")
    seconds = duration.total_seconds()
    if seconds < 0:
        raise MalformedStatement("result.duration must not be negative.")
    return max(1, round(seconds / 60)) if seconds else None


def check(statement) -> dict:
    """The statement, if well formed; otherwise MalformedStatement saying why."""
    if not isinstance(statement, dict):
        raise MalformedStatement("A statement must be a JSON object.")
    unknown = set(statement) - STATEMENT_PROPERTIES
    if unknown:
        raise MalformedStatement(f"Unknown statement properties: {', '.join(sorted(unknown))}.")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            raise MalformedStatement(f"A statement needs {required}.")
    if "id" in statement:
        statement_id(statement["id"])
    _agent(statement["actor"])
    verb = statement["verb"]
    if not isinstance(verb, dict):
        raise MalformedStatement("verb must be an object.")
    _iri(verb.get("id"), "verb.id")
    if "display" in verb:
        _language_map(verb["display"], "verb.display")
    _object(statement["object"])
    if verb["id"] == VOIDED and statement["object"].get("objectType") != "StatementRef":
        raise MalformedStatement("A voiding statement's object must be a StatementRef.")
    if "timestamp" in statement:
        timestamp(statement["timestamp"])
    if "version" in statement and not str(statement["version"]).startswith("1.0."):
        raise MalformedStatement("version must be a 1.0.x version.")
    result = statement.get("result", {})
    if not isinstance(result, dict):
        raise MalformedStatement("result must be an object.")
    if "duration" in result:
        duration_minutes(result["duration"])
    return statement
