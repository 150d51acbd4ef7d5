"""The educational supervisor's report's questions, as data, and the answers they take.

A question is {"key", "type", "label", "help"?, "required"?, "choices"?}:
  type "text"    free text;
       "choice"  one of `choices`.
Waymark's default set is below; a programme's admins may replace it with their own
(reviews.models.ReportQuestions). "Required" is enforced when the report is signed: a draft
may be saved half-written.
"""

import jsonschema
from django.core.exceptions import ValidationError

from portfolio.models import TEXT_MAX_LENGTH

# The outcomes a UK annual review of competence progression (ARCP) may give, in the words
# supervisors use when recommending one.
RECOMMENDATIONS = [
    "Satisfactory progress",
    "Development of specific competences needed, without extra time",
    "Inadequate progress: additional training time needed",
    "Insufficient evidence to make a recommendation",
]

DEFAULT_QUESTIONS = [
    {
        "key": "overall_progress",
        "type": "text",
        "label": "Overall progress",
        "help": "How the placement has gone, with reference to the evidence in the portfolio.",
        "required": True,
    },
    {
        "key": "strengths",
        "type": "text",
        "label": "Strengths",
        "required": True,
    },
    {
        "key": "development_needs",
        "type": "text",
        "label": "Development needs",
        "help": "What the trainee should work on next, and how.",
        "required": True,
    },
    {
        "key": "recommendation",
        "type": "choice",
        "label": "Recommended annual review outcome",
        "choices": RECOMMENDATIONS,
        "required": True,
    },
]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "minItems": 1,
    "maxItems": 30,
    "items": {
        "type": "object",
        "properties": {
            "key": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,39}$"},
            "type": {"enum": ["text", "choice"]},
            "label": {"type": "string", "minLength": 1, "maxLength": 200},
            "help": {"type": "string", "maxLength": 500},
            "required": {"type": "boolean"},
            "choices": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 200},
                "minItems": 2,
            },
        },
        "required": ["key", "type", "label"],
        "additionalProperties": False,
        "if": {"properties": {"type": {"const": "choice"}}},
        "then": {"required": ["choices"]},
        "else": {"not": {"required": ["choices"]}},
    },
}

_validator = jsonschema.Draft202012Validator(SCHEMA)


def validate_questions(questions) -> None:
    """Raise ValidationError({"questions": [...]}) naming each problem, or return."""
    problems = [
        f"question {'.'.join(str(p + 1) if isinstance(p, int) else p for p in e.absolute_path)}: "
        f"{e.message}"
        if e.absolute_path
        else e.message
        for e in _validator.iter_errors(questions)
    ]
    if not problems:
        keys = [q["key"] for q in questions]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            problems.append(f"Each question needs its own key; repeated: {', '.join(repeated)}.")
    if problems:
        raise ValidationError({"questions": problems})


def clean_answers(questions: list[dict], answers: dict, *, complete: bool) -> dict:
    """The answers, checked: choices among their choices, text within the limit, and, when
    `complete` (signing), every required question answered. Raises ValidationError keyed by
    question."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": "Give the answers as an object, by question key."})
    errors, cleaned = {}, {}
    for question in questions:
        key = question["key"]
        value = answers.get(key, "")
        value = value.strip() if isinstance(value, str) else value
        if value in ("", None):
            if complete and question.get("required"):
                errors[key] = "Answer this question before signing the report."
            continue
        if not isinstance(value, str):
            errors[key] = "Give the answer as text."
        elif "choices" in question and value not in question["choices"]:
            errors[key] = f"Choose one of: {', '.join(question['choices'])}."
        elif len(value) > TEXT_MAX_LENGTH:
            errors[key] = f"At most {TEXT_MAX_LENGTH} characters."
        else:
            cleaned[key] = value
    unknown = sorted(set(answers) - {q["key"] for q in questions})
    if unknown:
        errors["answers"] = f"Not questions of this report: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    return cleaned


def answered(questions: list[dict], answers: dict) -> list[tuple[dict, str]]:
    """(question, answer) for each question in order, unanswered ones with an empty answer,
    for pages and exports."""
    return [(q, answers.get(q["key"], "")) for q in questions]
