"""The CSTF subjects from passport/data/uk-cstf.json, as plain rows. Read by the data
migration that installs them and by `install_training_subjects`, which brings them up to
date after the file changes."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "uk-cstf.json"


def subject_rows() -> list[dict]:
    """Each subject's fields, in the file's order."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return [
        {
            "code": item["code"],
            "title": item["title"],
            "description": item.get("description") or "",
            "refresher_months": item.get("refresher_months"),
            "scope": item["scope"],
            "order": position,
        }
        for position, item in enumerate(data["items"], start=1)
    ]


def install(subject_model) -> int:
    """Create or bring up to date every subject; returns how many there are. Idempotent.
    Takes the model so that the migration can pass its historical one."""
    rows = subject_rows()
    for row in rows:
        code = row.pop("code")
        subject_model.objects.update_or_create(code=code, defaults=row)
    return len(rows)
