"""CSV with the header `code,title,parent_code,description`; the framework's slug, name and
version come from whoever imports it."""

import csv
import io

from django.utils.text import slugify

from curriculum.importers.checks import validated
from curriculum.importers.parsed import GivenNames, ImportFailed, ParsedFramework, ParsedItem

CSV_COLUMNS = ("code", "title", "parent_code", "description")


def parse_csv(text: str, given: GivenNames) -> ParsedFramework:
    # A CSV file holds only items: which framework they belong to is given when importing,
    # and the shared checks report a missing name or version.
    errors: list[str] = []
    parsed = ParsedFramework(
        slug=given.slug or slugify(given.name or ""),
        version=given.version or "",
        name=given.name or "",
        source="Imported from a CSV file.",
    )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            # A row starts on the line after the previous one ended; quoted fields may span
            # several lines, so reader.line_num alone would name the last of them.
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                if "parent" in header and "parent_code" not in header:
                    header[header.index("parent")] = "parent_code"
                if problems := _csv_header_problems(header, start):
                    # Without a usable header no row can be read.
                    raise ImportFailed(errors + problems)
                continue
            if len(row) != len(header):
                errors.append(
                    f"line {start}: expected {len(header)} columns ({', '.join(header)}), "
                    f"found {len(row)}."
                )
                continue
            values = {column: cell.strip() for column, cell in zip(header, row, strict=True)}
            where = f"line {start}"
            if not values["code"]:
                errors.append(f"{where}: the code is empty.")
            if not values["title"]:
                errors.append(f"{where}: the title is empty.")
            parsed.items.append(
                ParsedItem(
                    code=values["code"],
                    title=values["title"],
                    description=values.get("description", ""),
                    parent_code=values.get("parent_code") or None,
                    position=len(parsed.items) + 1,
                    extra={
                        k: v
                        for k, v in values.items()
                        if k not in (*CSV_COLUMNS, "external_id") and v
                    },
                    external_id=values.get("external_id", ""),
                    where=where,
                )
            )
    except csv.Error as e:
        errors.append(f"line {reader.line_num}: {e}.")
    if header is None:
        errors.append(f"The file is empty: expected a header line {','.join(CSV_COLUMNS)}.")
    return validated(parsed, errors)


def _csv_header_problems(header: list[str], line: int) -> list[str]:
    errors = []
    missing = [c for c in ("code", "title") if c not in header]
    if missing:
        errors.append(
            f"line {line}: the header must name the columns {','.join(CSV_COLUMNS)}; "
            f"there is no {' or '.join(missing)} column."
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        errors.append(f"line {line}: the header names {', '.join(duplicated)} more than once.")
    if "" in header:
        errors.append(f"line {line}: the header has a column without a name.")
    return errors
