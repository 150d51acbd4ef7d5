"""Demo content kept as data files, read into an app's own records."""

from dataclasses import dataclass
from datetime import date, time

import pytest

from core import demo_data


@dataclass(frozen=True)
class Session:
    title: str
    day: date
    starts: time | None = None
    tags: tuple[str, ...] = ()
    seats: int = 20


def test_rows_become_records_with_the_types_json_lacks():
    sessions = demo_data.records(
        [
            {"title": "Sepsis", "day": "2026-11-02", "starts": "12:30", "tags": ["acute"]},
            {"title": "Fluids", "day": "2026-11-09", "seats": 12},
        ],
        Session,
    )
    assert sessions == [
        Session("Sepsis", date(2026, 11, 2), time(12, 30), ("acute",)),
        Session("Fluids", date(2026, 11, 9), seats=12),
    ]


def test_a_misspelt_field_is_an_error_not_a_default():
    with pytest.raises(ValueError, match="titel"):
        demo_data.records([{"titel": "Sepsis", "day": "2026-11-02"}], Session)


def test_an_apps_data_file_is_read_from_its_data_folder():
    data = demo_data.read("portfolio")
    assert data["framework"] == {"slug": "uk-foundation", "version": "2021"}
    assert [len(entries) for entries in data["portfolios"]] == [38, 5, 4]
