"""What every format is read into: a framework and its items as plain data, and the one
error a file that cannot be imported raises."""

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GivenNames:
    """What the person importing says the framework is called; it takes precedence over what
    the file says (and is all a CSV file has)."""

    slug: str | None = None
    name: str | None = None
    version: str | None = None


class ImportFailed(Exception):
    """A framework file could not be imported. `errors` holds one sentence per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self):
        if len(self.errors) == 1:
            return self.errors[0]
        return f"{len(self.errors)} problems:\n" + "\n".join(f"- {e}" for e in self.errors)


@dataclass
class ParsedItem:
    code: str
    title: str
    description: str = ""
    parent_code: str | None = None
    position: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    # Where the item is in the file, for error messages: "line 7", "item 4 (FPC3)".
    where: str = ""


@dataclass
class ParsedFramework:
    slug: str
    version: str
    name: str
    publisher: str = ""
    source_url: str = ""
    source: str = ""
    licence: str = ""
    notes: list[str] = field(default_factory=list)
    external_id: str = ""
    items: list[ParsedItem] = field(default_factory=list)

    def label(self) -> str:
        return framework_label(self.name, self.version)


def framework_label(name: str, version: str) -> str:
    """ "UK Foundation Programme Curriculum 2021", without repeating a version the name
    already ends with."""
    return name if name.endswith(version) else f"{name} {version}"


# Waymark and CASE files are both JSON: their fields are read, and reported, the same way.


def required_text(raw: dict, key: str, where: str, errors: list[str]) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(f"{where}: the {key} is missing.")
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: the {key} must be text, not {json.dumps(value)}.")
        return ""
    return value.strip()


def optional_text(raw: dict, key: str, where: str, errors: list[str]) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.append(f"{where}: the {key} must be text, not {json.dumps(value)}.")
        return ""
    return value.strip()
