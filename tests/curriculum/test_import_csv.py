"""CSV files: items only, with the framework's slug, name and version given when importing."""

import pytest

from curriculum.importers import ImportFailed, parse
from tests.curriculum.framework_files import CSV_SAMPLE, import_bytes, tree


def test_csv_file_imports_with_the_framework_details_given(no_frameworks):
    result = import_bytes(
        CSV_SAMPLE.encode(), "safety.csv", slug="ward-safety", name="Ward safety", version="2026"
    )

    framework = result.framework
    assert (framework.slug, framework.name, framework.version) == (
        "ward-safety",
        "Ward safety",
        "2026",
    )
    assert tree(framework) == {"SAF": None, "SAF.1": "SAF", "SAF.2": "SAF", "TEAM": None}
    assert (
        framework.items.get(code="SAF.1").description == "Before and after every patient contact."
    )
    assert framework.items.get(code="SAF.2").title == "Sharps, safely"


def test_csv_file_needs_a_name_and_a_version():
    with pytest.raises(ImportFailed) as failure:
        parse("safety.csv", CSV_SAMPLE.encode())

    assert failure.value.errors == [
        "framework: the name is missing; give one when importing.",
        "framework: the version is missing; give one when importing.",
    ]


def test_csv_columns_beyond_the_four_are_kept_as_extra():
    data = b"code,title,parent_code,description,level\nA,Alpha,,,2\nB,Beta,,,\n"

    parsed = parse("x.csv", data, name="X", version="1")

    assert [i.extra for i in parsed.items] == [{"level": "2"}, {}]


def test_csv_parent_column_may_be_called_parent():
    parsed = parse("x.csv", b"code,title,parent\nA,Alpha,\nB,Beta,A\n", name="X", version="1")

    assert [(i.code, i.parent_code) for i in parsed.items] == [("A", None), ("B", "A")]


def test_csv_file_from_a_spreadsheet_may_start_with_a_byte_order_mark():
    parsed = parse("x.csv", ("\ufeff" + CSV_SAMPLE).encode(), name="X", version="1")

    assert parsed.items[0].code == "SAF"
