"""An assessment form's questions, as data, and the answers they take.

A question is {"key", "type", "by", "label", "help"?, "required"?, "choices"?}:
  type "text"   free text;
       "scale"  one of `choices`, an ordered scale (lowest first);
       "choice" one of `choices`, unordered;
       "items"  the curriculum items the assessment is evidence for (the trainee's
                choice; stored as the entry's mappings, not as an answer).
  by   "trainee" (answered when starting) or "assessor" (answered on completion).
"""

import jsonschema
from django.core.exceptions import ValidationError

from portfolio.models import TEXT_MAX_LENGTH

QUESTION_TYPES = ("text", "scale", "choice", "items")
CHOICES = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 2}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "key": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,39}$"},
            "type": {"enum": list(QUESTION_TYPES)},
            "by": {"enum": ["trainee", "assessor"]},
            "label": {"type": "string", "minLength": 1, "maxLength": 200},
            "help": {"type": "string"},
            "required": {"type": "boolean"},
            "choices": CHOICES,
        },
        "required": ["key", "type", "by", "label"],
        "additionalProperties": False,
        "allOf": [
            {
                "if": {"properties": {"type": {"enum": ["scale", "choice"]}}},
                "then": {"required": ["choices"]},
                "else": {"not": {"required": ["choices"]}},
            },
            {
                "if": {"properties": {"type": {"const": "items"}}},
                "then": {"properties": {"by": {"const": "trainee"}}},
            },
        ],
    },
}

_validator = jsonschema.Draft202012Validator(SCHEMA)


def validate_questions(questions, *, inherited=()) -> None:
    """Raise ValidationError({"questions": [...]}) naming each problem, or return."""
    problems = [
        f"question {'.'.join(str(p + 1) if isinstance(p, int) else p for p in e.absolute_path)}: "
        f"{e.message}"
        for e in _validator.iter_errors(questions)
    ]
    if not problems:
        keys = [q["key"] for q in [*inherited, *questions]]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            problems.append(f"Each question needs its own key; repeated: {', '.join(repeated)}.")
    if problems:
        raise ValidationError({"questions": problems})


def questions_by(questions: list[dict], who: str) -> list[dict]:
    return [q for q in questions if q["by"] == who and q["type"] != "items"]


def clean_answers(questions: list[dict], who: str, answers: dict) -> dict:
    """The answers to `who`'s questions, checked: required ones given, scales and choices
    among their choices, text within the limit. Raises ValidationError keyed by question."""
    errors, cleaned = {}, {}
    for question in questions_by(questions, who):
        key = question["key"]
        value = answers.get(key, "")
        value = value.strip() if isinstance(value, str) else value
        if value in ("", None):
            if question.get("required"):
                errors[key] = "This question needs an answer."
            continue
        if not isinstance(value, str):
            errors[key] = "Give the answer as text."
        elif "choices" in question and value not in question["choices"]:
            errors[key] = f"Choose one of: {', '.join(question['choices'])}."
        elif len(value) > TEXT_MAX_LENGTH:
            errors[key] = f"At most {TEXT_MAX_LENGTH} characters."
        else:
            cleaned[key] = value
    unknown = sorted(set(answers) - {q["key"] for q in questions_by(questions, who)})
    if unknown:
        errors["answers"] = f"Not questions of this form for you: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    return cleaned


def answered(questions: list[dict], answers: dict) -> list[tuple[dict, str]]:
    """(question, answer) for each answered question, in the form's order, for pages."""
    return [(q, answers[q["key"]]) for q in questions if q["key"] in answers]
