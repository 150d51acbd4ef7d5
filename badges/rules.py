"""Badge rules: declarative, validated against a schema, evaluated by pure functions.

A rule is JSON. Leaf rules ask for one fact each about a trainee; `all` and `any` combine
them. Evaluation happens in two steps so the pure part can be tested without a database:

1. `fact_requests(rule)` lists the facts a rule needs (plain, hashable tuples);
2. the caller gathers each fact with one query (badges.facts), then
3. `badges.evaluation.evaluate(rule, facts)` decides, says how far along the trainee is,
   and, for a rule that is met, what met it (plain JSON, frozen on the award).

"Signed off" means under a standing sign-off: one a supervisor gave and nobody withdrew.

Leaf rules:
  {"type": "event_count", "min": 5, "kinds": [...], "tags": [...], "items": ["slug/version/CODE"],
   "signed_off_only": false, "provider": "...", "assessment_types": ["mini_cex", ...],
   "by_ticket": true | false, "window": {"last_days": 365} | {"academic_year": true}}
      at least `min` entries matching every filter given; items include their descendants;
      with signed_off_only, only signed-off entries count; with assessment_types, only
      completed assessments of those types; by_ticket tells assessments completed through
      a one-time link (true) from those completed by an assessor who signed in (false)
  {"type": "cpd_credits", "min": 20, "signed_off_only": false, "window": {...}}
  {"type": "coverage", "item": "slug/version/CODE", "min_signed_off": 1}
      every item under `item` has at least that many signed-off entries
  {"type": "badges", "all": ["badge-slug", ...]}  or  {"type": "badges", "at_least": 2, "of": [...]}
  {"type": "attendance", "programme": "teaching-programme-slug", "min_percent": 80,
   "mandatory_only": true}
  {"type": "external_badge", "issuer": "<issuer id>", "achievement": "<achievement id>"}
      a badge issued elsewhere, in the trainee's backpack, by that issuer (its Open Badges
      2.0 profile URL or 3.0 issuer id) and, if given, for that achievement (BadgeClass URL
      or achievement id); it counts while it verifies and has not expired
Combinations:
  {"type": "all", "rules": [...]}, {"type": "any", "rules": [...]}
"""

from datetime import date, timedelta

import jsonschema

from assessments.models import AssessmentType
from curriculum.models import training_year_start
from portfolio.tags import normal_tag

ITEM_REF = {"type": "string", "pattern": r"^[a-z0-9-]+/[^/\s]+/[^/\s]+$"}
SLUG = {"type": "string", "pattern": r"^[a-z0-9-]+$"}
NAMES = {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True}
RULE_TYPES = (
    "event_count",
    "cpd_credits",
    "coverage",
    "badges",
    "attendance",
    "external_badge",
    "all",
    "any",
)
URI = {"type": "string", "minLength": 1, "maxLength": 500}
WINDOW = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"last_days": {"type": "integer", "minimum": 1, "maximum": 3660}},
            "required": ["last_days"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"academic_year": {"const": True}},
            "required": ["academic_year"],
            "additionalProperties": False,
        },
    ]
}


def _combination(kind: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "type": {"const": kind},
            "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}, "minItems": 1},
        },
        "required": ["type", "rules"],
        "additionalProperties": False,
    }


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$ref": "#/$defs/rule",
    "$defs": {
        "rule": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": list(RULE_TYPES)}},
            "allOf": [
                {"if": {"properties": {"type": {"const": t}}}, "then": {"$ref": f"#/$defs/{t}"}}
                for t in RULE_TYPES
            ],
        },
        "event_count": {
            "type": "object",
            "properties": {
                "type": {"const": "event_count"},
                "min": {"type": "integer", "minimum": 1},
                "kinds": NAMES,
                "tags": NAMES,
                "items": {"type": "array", "items": ITEM_REF, "minItems": 1, "uniqueItems": True},
                "signed_off_only": {"type": "boolean"},
                "provider": {"type": "string", "minLength": 1},
                "assessment_types": {
                    "type": "array",
                    "items": {"enum": list(AssessmentType.values)},
                    "minItems": 1,
                    "uniqueItems": True,
                },
                "by_ticket": {"type": "boolean"},
                "window": WINDOW,
                "label": {"type": "string"},
            },
            "required": ["type", "min"],
            "additionalProperties": False,
        },
        "cpd_credits": {
            "type": "object",
            "properties": {
                "type": {"const": "cpd_credits"},
                "min": {"type": "number", "exclusiveMinimum": 0},
                "signed_off_only": {"type": "boolean"},
                "window": WINDOW,
            },
            "required": ["type", "min"],
            "additionalProperties": False,
        },
        "coverage": {
            "type": "object",
            "properties": {
                "type": {"const": "coverage"},
                "item": ITEM_REF,
                "min_signed_off": {"type": "integer", "minimum": 1},
            },
            "required": ["type", "item", "min_signed_off"],
            "additionalProperties": False,
        },
        "badges": {
            "type": "object",
            "properties": {
                "type": {"const": "badges"},
                "all": {"type": "array", "items": SLUG, "minItems": 1, "uniqueItems": True},
                "of": {"type": "array", "items": SLUG, "minItems": 1, "uniqueItems": True},
                "at_least": {"type": "integer", "minimum": 1},
            },
            "required": ["type"],
            "oneOf": [{"required": ["all"]}, {"required": ["of", "at_least"]}],
            "additionalProperties": False,
        },
        "attendance": {
            "type": "object",
            "properties": {
                "type": {"const": "attendance"},
                "programme": SLUG,
                "min_percent": {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                "mandatory_only": {"type": "boolean"},
            },
            "required": ["type", "programme", "min_percent"],
            "additionalProperties": False,
        },
        "external_badge": {
            "type": "object",
            "properties": {
                "type": {"const": "external_badge"},
                "issuer": URI,
                "achievement": URI,
            },
            "required": ["type", "issuer"],
            "additionalProperties": False,
        },
        "all": _combination("all"),
        "any": _combination("any"),
    },
}

_validator = jsonschema.Draft202012Validator(SCHEMA)


class RuleError(ValueError):
    """A rule that does not fit the schema. `problems` says what is wrong, in words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def _where(path) -> str:
    parts = []
    for part in path:
        parts.append(f"rule {part + 1}" if isinstance(part, int) else str(part))
    return " → ".join(p for p in parts if p != "rules") or "the rule"


def _explain(error: jsonschema.ValidationError) -> str:
    where = _where(error.absolute_path)
    if error.validator == "required":
        return f"{where}: {error.message.split(' ')[0]} is missing."
    if error.validator == "additionalProperties":
        unknown = error.message.replace("Additional properties are not allowed", "unknown field")
        return f"{where}: {unknown}."
    if error.validator == "enum" and error.absolute_path and error.absolute_path[-1] == "type":
        return f"{where}: unknown rule type {error.instance!r}."
    if error.validator == "pattern" and "/" in error.validator_value:
        example = "uk-foundation/2021/FPC1"
        return f"{where}: {error.instance!r} is not a curriculum item reference like {example!r}."
    if error.validator == "pattern":
        return (
            f"{where}: {error.instance!r} is not a slug (lower-case letters, digits and hyphens)."
        )
    if error.validator == "type" and error.validator_value == "boolean":
        return f"{where}: must be true or false."
    if error.validator == "oneOf" and error.absolute_path and error.absolute_path[-1] == "window":
        return f'{where}: a window is either {{"last_days": N}} or {{"academic_year": true}}.'
    if error.validator == "oneOf":
        return f'{where}: give either "all": [...] or both "of": [...] and "at_least": N.'
    return f"{where}: {error.message}."


def validate(rule) -> None:
    """Raise RuleError listing every problem, in words, or return quietly."""
    errors = sorted(_validator.iter_errors(rule), key=lambda e: (list(e.absolute_path), e.message))
    # The "if type is X then ..." wrappers repeat the specific errors beneath them.
    leaves = [e for e in errors if e.validator not in ("allOf", "if", "$ref")]
    problems = list(dict.fromkeys(_explain(e) for e in (leaves or errors)))
    if problems:
        raise RuleError(problems)
    for sub in walk(rule):
        if sub["type"] == "badges" and "at_least" in sub and sub["at_least"] > len(sub["of"]):
            raise RuleError(
                [f"a badges rule asks for {sub['at_least']} of only {len(sub['of'])} badges."]
            )


def with_normal_tags(rule):
    """The rule with every tag list in normal form, as entries' tags are saved
    (portfolio.tags), so that a rule matches however its author typed the tags."""
    if not isinstance(rule, dict):
        return rule
    rule = dict(rule)
    tags = rule.get("tags")
    # Tags that are not all names are left as they are, for validate() to refuse in words.
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        rule["tags"] = list(dict.fromkeys(n for n in map(normal_tag, tags) if n != ""))
    if isinstance(rule.get("rules"), list):
        rule["rules"] = [with_normal_tags(sub) for sub in rule["rules"]]
    return rule


def walk(rule: dict):
    """The rule and every rule nested in it, depth first."""
    yield rule
    for sub in rule.get("rules", []):
        yield from walk(sub)


# --- Facts ---------------------------------------------------------------------------------------


def window_start(window: dict | None, today: date) -> date | None:
    if not window:
        return None
    if "last_days" in window:
        return today - timedelta(days=window["last_days"] - 1)
    return training_year_start(today)


def fact_request(rule: dict, today: date) -> tuple | None:
    """The fact a leaf rule needs, as a hashable request; None for combinations and badges
    (badges held are one fact shared by every rule)."""
    kind = rule["type"]
    since = window_start(rule.get("window"), today)
    if kind == "event_count":
        return (
            "event_count",
            tuple(sorted(rule.get("kinds", ()))),
            tuple(sorted({normal_tag(t) for t in rule.get("tags", ())})),
            tuple(sorted(rule.get("items", ()))),
            bool(rule.get("signed_off_only")),
            rule.get("provider", ""),
            since,
            tuple(sorted(rule.get("assessment_types", ()))),
            rule.get("by_ticket"),
        )
    if kind == "cpd_credits":
        return ("cpd_credits", bool(rule.get("signed_off_only")), since)
    if kind == "coverage":
        return ("coverage", rule["item"], rule["min_signed_off"])
    if kind == "attendance":
        return ("attendance", rule["programme"], bool(rule.get("mandatory_only")))
    if kind == "external_badge":
        return ("external_badge", rule["issuer"], rule.get("achievement", ""))
    return None


def fact_requests(rule: dict, today: date) -> set[tuple]:
    return {r for sub in walk(rule) if (r := fact_request(sub, today)) is not None}


def badges_referenced(rule: dict | None) -> set[str]:
    """Slugs of the badge classes a rule depends on (for evaluation order)."""
    if not rule:
        return set()
    found = set()
    for sub in walk(rule):
        if sub["type"] == "badges":
            found.update(sub.get("all", ()))
            found.update(sub.get("of", ()))
    return found


def evaluation_order(rules_by_slug: dict[str, dict | None]) -> list[str]:
    """Badge slugs ordered so that every badge comes after the badges its rule names.
    Raises RuleError on a cycle."""
    order, state = [], {}

    def visit(slug, path):
        if state.get(slug) == "done":
            return
        if state.get(slug) == "visiting":
            raise RuleError(
                [f"badges depend on each other in a circle: {' → '.join([*path, slug])}."]
            )
        state[slug] = "visiting"
        for dep in sorted(badges_referenced(rules_by_slug.get(slug))):
            if dep in rules_by_slug:
                visit(dep, [*path, slug])
        state[slug] = "done"
        order.append(slug)

    for slug in sorted(rules_by_slug):
        visit(slug, [])
    return order
