"""Demo content kept as data: an app that seeds demo content keeps it in <app>/data/, as JSON
a person can read and edit, and turns it into its own records here."""

import json
import types
import typing
from collections.abc import Iterable
from dataclasses import fields
from datetime import date, time
from pathlib import Path

from django.apps import apps

T = typing.TypeVar("T")


def read(app_label: str, name: str = "demo"):
    """The app's data file <app>/data/<name>.json, as plain data."""
    path = Path(apps.get_app_config(app_label).path) / "data" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def records(rows: Iterable[dict], record_type: type[T]) -> list[T]:
    """Each row as a `record_type` dataclass. Fields left out take their defaults; values
    take the field's type where JSON has none of its own (tuples from lists, dates and times
    from ISO strings). An unknown field is an error, so a misspelt one is not lost."""
    hints = typing.get_type_hints(record_type)
    names = {f.name for f in fields(record_type)}
    result = []
    for row in rows:
        unknown = set(row) - names
        if unknown:
            raise ValueError(f"Unknown fields for {record_type.__name__}: {sorted(unknown)}")
        result.append(record_type(**{k: _as(hints[k], v) for k, v in row.items()}))
    return result


def _as(hint, value):
    """`value` as the type the field is declared with, for the few types JSON lacks."""
    if value is None:
        return None
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if typing.get_origin(option) is tuple:
            return tuple(value)
        if option in (date, time) and isinstance(value, str):
            return option.fromisoformat(value)
    return value
