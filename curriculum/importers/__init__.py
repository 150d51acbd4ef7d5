"""Reading framework files into plain data, without touching the database.

Three formats are understood, one module each:

- Waymark JSON (waymark.py), as in curriculum/data.
- CSV (csv_file.py) with the header `code,title,parent_code,description`.
- 1EdTech CASE 1.0 packages (case.py).

`parse` picks the format and returns a ParsedFramework, or raises ImportFailed listing every
problem it found, each naming the line or item, so a file can be fixed in one go.
"""

import json

from curriculum.importers.case import parse_case
from curriculum.importers.csv_file import parse_csv
from curriculum.importers.parsed import (
    GivenNames,
    ImportFailed,
    ParsedFramework,
    ParsedItem,
    framework_label,
)
from curriculum.importers.waymark import parse_waymark

__all__ = ["ImportFailed", "ParsedFramework", "ParsedItem", "framework_label", "parse"]


def parse(
    filename: str,
    data: bytes,
    *,
    slug: str | None = None,
    name: str | None = None,
    version: str | None = None,
) -> ParsedFramework:
    """Read a framework file in whichever format its content shows. `slug`, `name` and
    `version`, when given, take precedence over what the file says."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFailed(
            [f"{filename} is not UTF-8 text (byte {e.start + 1} cannot be read)."]
        ) from None
    given = GivenNames(slug=slug, name=name, version=version)
    is_csv = filename.lower().endswith(".csv")
    looks_like_json = text.lstrip().startswith(("{", "["))
    if is_csv and not looks_like_json:
        return parse_csv(text, given)
    if not looks_like_json and not filename.lower().endswith(".json"):
        raise ImportFailed(
            [
                f"Cannot tell what format {filename} is in: upload a .csv file, a Waymark "
                "JSON file or a CASE 1.0 package."
            ]
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFailed(
            [f"{filename} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}."]
        ) from None
    if isinstance(document, dict):
        if "CFPackage" in document or "CFDocument" in document:
            return parse_case(document, given)
        if "framework" in document:
            return parse_waymark(document, given)
    raise ImportFailed(
        [
            f"{filename} is JSON but neither a Waymark framework file (an object with "
            '"framework" and "items") nor a CASE package (an object with "CFDocument").'
        ]
    )
