"""The compliance grid as CSV, for a spreadsheet: a header row, then one row per trainee.

A spreadsheet runs a cell that starts with = + - or @ as a formula, so a name such as
"=HYPERLINK(…)" typed into a profile would run on the admin's machine: such cells are
written with a leading apostrophe, which spreadsheets show as text."""

import csv
from collections.abc import Iterator

from passport import selectors
from passport.standing import EXPIRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 200


def neutralised(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell_text(cell) -> str:
    if cell.match is None:
        return "missing"
    until = cell.match.last_day
    if until is None:
        return "met"
    word = "expiring" if cell.status == EXPIRING else "met until"
    return f"{word} {until.isoformat()}"


class _Echo:
    def write(self, value):
        return value


def rows(organisation, *, today) -> Iterator[list[str]]:
    trainees = selectors.trainees_of(organisation)
    header = None
    total = trainees.count()
    for start in range(0, max(total, 1), CHUNK):
        grid = selectors.compliance_grid(organisation, trainees[start : start + CHUNK], today=today)
        if header is None:
            header = ["Trainee", "Email", *(f"{s.code} {s.title}" for s in grid.subjects)]
            yield header + ["Covered"]
        for row in grid.rows:
            yield [
                row.trainee.get_full_name(),
                row.trainee.email,
                *(cell_text(cell) for cell in row.cells),
                f"{row.covered} of {len(grid.subjects)}",
            ]


def lines(organisation, *, today) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows(organisation, today=today):
        yield writer.writerow([neutralised(value) for value in row])
