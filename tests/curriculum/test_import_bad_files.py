"""A file that cannot be imported is refused naming every problem, in any format, and
changes nothing at all."""

import json

import pytest
from django.core.management import CommandError, call_command

from curriculum.importers import ImportFailed, parse
from tests.curriculum.framework_files import CASE_SAMPLE, item, snapshot, waymark


def case_with_parent_elsewhere():
    package = json.loads(CASE_SAMPLE.read_bytes())
    com2_under_com = package["CFAssociations"][3]
    com2_under_com["destinationNodeURI"]["identifier"] = "elsewhere"
    return json.dumps(package).encode()


BAD_FILES = {
    "unknown parent": (
        "bad.json",
        waymark([item("A"), item("B", parent="Z")]),
        "item 2 (B): the parent Z is not an item in this file.",
    ),
    "duplicate code": (
        "bad.json",
        waymark([item("A"), item("B"), item("A", "Again")]),
        "item 3 (A): the code A is already used by item 1 (A).",
    ),
    "cycle": (
        "bad.json",
        waymark([item("A", parent="C"), item("B", parent="A"), item("C", parent="B")]),
        "items A → C → B → A form a cycle of parents (each arrow points to the parent).",
    ),
    "own parent": (
        "bad.json",
        waymark([item("A", parent="A")]),
        "item 1 (A): item A is its own parent.",
    ),
    "bad JSON": (
        "bad.json",
        b'{"framework": {"name": "X", "version": "1"},\n "items": [\n  {"code": "A",}\n]}',
        "bad.json is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 3, column 16.",
    ),
    "no items": ("bad.json", waymark([]), "The file has no items."),
    "missing title": (
        "bad.json",
        waymark([{"code": "A", "parent": None}]),
        "item 1 (A): the title is missing.",
    ),
    "bad CSV row": (
        "bad.csv",
        b"code,title,parent_code,description\nA,Alpha,,\nB,Beta,A\n",
        "line 3: expected 4 columns (code, title, parent_code, description), found 3.",
    ),
    "empty CSV code": (
        "bad.csv",
        b"code,title,parent_code,description\nA,Alpha,,\n,Beta,A,\n",
        "line 3: the code is empty.",
    ),
    "CSV without a header": (
        "bad.csv",
        b"A,Alpha,,\n",
        "line 1: the header must name the columns code,title,parent_code,description; "
        "there is no code or title column.",
    ),
    "version too long": (
        "bad.json",
        waymark([item("A")]),
        "framework: the version '" + "v" * 41 + "' is 41 characters long; at most 40 fit. "
        "Give a shorter version when importing.",
        ["--slug=uk-foundation", "--version=" + "v" * 41],
    ),
    "CASE parent outside the package": (
        "bad.json",
        case_with_parent_elsewhere(),
        "CFItem COM.2 (a1000000-0000-4000-8000-000000000003): its parent elsewhere (in "
        "CFAssociation c3000000-0000-4000-8000-000000000004) is neither the CFDocument nor "
        "a CFItem in this package.",
    ),
    "unknown format": (
        "notes.txt",
        b"code,title\nA,Alpha\n",
        "Cannot tell what format notes.txt is in: upload a .csv file, a Waymark JSON file or "
        "a CASE 1.0 package.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES)
def test_a_bad_file_is_refused_naming_the_problem_and_changes_nothing(db, tmp_path, case):
    filename, data, problem, *given = case
    # Aimed at a framework that exists, so that a partial import would show.
    options = given[0] if given else ["--slug=uk-foundation", "--version=2021"]
    path = tmp_path / filename
    path.write_bytes(data)
    before = snapshot()

    with pytest.raises(CommandError) as failure:
        call_command("import_framework", str(path), *options)

    assert f"Could not import {path}:\n" in str(failure.value)
    assert f"  - {problem}" in str(failure.value).splitlines()
    assert snapshot() == before


def test_every_problem_in_a_file_is_reported_at_once():
    data = waymark(
        [
            item("A", parent="B"),
            item("B", parent="A"),
            item("C", parent="nowhere"),
            {"code": "", "title": "No code"},
            item("C"),
        ]
    )

    with pytest.raises(ImportFailed) as failure:
        parse("many.json", data)

    assert failure.value.errors == [
        "item 4: the code is missing.",
        "item 5 (C): the code C is already used by item 3 (C).",
        "item 3 (C): the parent nowhere is not an item in this file.",
        "items A → B → A form a cycle of parents (each arrow points to the parent).",
    ]
    assert str(failure.value).startswith("4 problems:\n- item 4: the code is missing.")
