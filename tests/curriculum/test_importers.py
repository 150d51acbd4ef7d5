"""Importing frameworks from Waymark JSON, CSV and CASE 1.0 files: what ends up in the
database, that importing again changes nothing, and that a bad file changes nothing at all."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from curriculum.importers import ImportFailed, parse
from curriculum.models import Framework, Item, Programme, Requirement
from curriculum.services import (
    DATA_DIR,
    SHIPPED_FRAMEWORKS,
    hash_content,
    import_framework_file,
)

FIXTURES = Path(__file__).parent / "fixtures"
CASE_SAMPLE = FIXTURES / "case-sample.json"
CASE_DOCUMENT_ID = "5c1d7f3e-2a4b-4c8e-9f10-1a2b3c4d5e6f"
ARTERIAL_GAS_ID = "b2000000-0000-4000-8000-000000000004"

CSV_SAMPLE = """code,title,parent_code,description
SAF,Patient safety,,
SAF.1,Hand hygiene,SAF,"Before and after every patient contact."
SAF.2,"Sharps, safely",SAF,
TEAM,Team working,,
"""


def waymark(items, **framework):
    meta = {"name": "Test Framework", "version": "1", "source": "Written for a test."}
    return json.dumps({"framework": meta | framework, "items": items}).encode()


def item(code, title=None, parent=None, **extra):
    return {"code": code, "title": title or f"Title of {code}", "parent": parent} | extra


def import_bytes(data, filename="test.json", **options):
    return import_framework_file(filename=filename, data=data, **options)


def snapshot():
    """Every value of every framework and item row, to show that nothing was written."""
    return (
        list(Framework.objects.order_by("pk").values()),
        list(Item.objects.order_by("pk").values()),
    )


def tree(framework):
    """{code: parent code} for a framework's items."""
    return dict(framework.items.values_list("code", "parent__code"))


@pytest.fixture
def no_frameworks(db):
    """The test database starts with the shipped frameworks loaded; some tests need to see
    them created."""
    Framework.objects.all().delete()


# --- The shipped files -------------------------------------------------------------------

SHIPPED_COUNTS = {
    "uk-foundation": (16, 3),
    "gmc-gpc": (9, 9),
    "aamc-core-epas": (13, 13),
    "canmeds": (7, 7),
    "acgme-core-competencies": (6, 6),
    "uk-cstf": (12, 12),
}


@pytest.mark.parametrize(("filename", "slug", "version"), SHIPPED_FRAMEWORKS)
def test_each_shipped_file_imports_with_all_its_items(no_frameworks, filename, slug, version):
    result = import_bytes((DATA_DIR / filename).read_bytes(), filename, slug=slug, version=version)

    items, roots = SHIPPED_COUNTS[slug]
    assert result.created
    assert (result.items_created, result.items_updated, result.items_removed) == (items, 0, 0)
    framework = Framework.objects.get(slug=slug, version=version)
    assert framework.items.count() == items
    assert framework.items.roots().count() == roots
    assert framework.content_hash == hash_content((DATA_DIR / filename).read_bytes())


def test_uk_foundation_has_three_outcomes_with_their_capabilities_under_them(no_frameworks):
    data = (DATA_DIR / "uk-foundation-2021.json").read_bytes()
    framework = import_bytes(data, slug="uk-foundation").framework

    parents = tree(framework)
    assert len(parents) == 16
    assert sorted(code for code, parent in parents.items() if parent is None) == [
        "HLO1",
        "HLO2",
        "HLO3",
    ]
    assert [c for c, p in parents.items() if p == "HLO1"] == [f"FPC{n}" for n in range(1, 6)]
    assert [c for c, p in parents.items() if p == "HLO2"] == [f"FPC{n}" for n in range(6, 11)]
    assert [c for c, p in parents.items() if p == "HLO3"] == ["FPC11", "FPC12", "FPC13"]
    assert list(framework.items.values_list("code", flat=True)[:4]) == [
        "HLO1",
        "HLO2",
        "HLO3",
        "FPC1",
    ], "items keep the order of the file"
    hlo1 = framework.items.get(code="HLO1")
    assert hlo1.extra == {
        "short_title": "The clinician",
        "group_label": "Direct and indirect patient care",
    }
    assert framework.items.get(code="FPC2").description == ""


def test_shipped_framework_keeps_its_provenance(db):
    framework = Framework.objects.get(slug="uk-foundation", version="2021")

    assert framework.source_url == "https://foundationprogramme.nhs.uk/?p=27792"
    assert framework.source.startswith("UK Foundation Programme Curriculum 2021, section 3.6")
    assert "Corroborating sources:\n- UKFPO/NACT UK slide deck" in framework.source
    assert "Retrieved: 2026-11-23" in framework.source
    assert framework.notes[0].startswith("Codes HLO1-3 and FPC1-13")


def test_a_shortened_version_keeps_the_published_wording_in_the_notes(db):
    framework = Framework.objects.get(slug="gmc-gpc")

    assert framework.version == "2017"
    assert framework.notes[-1] == (
        "Version as published: 2017 (published May 2017; approved by GMC Council Feb 2016)"
    )


def test_item_fields_beyond_the_common_ones_are_kept_as_extra(db):
    ipc = Item.objects.get(framework__slug="uk-cstf", code="CSTF-IPC")

    assert ipc.extra["refresher_months"] == 12
    assert ipc.extra["refresher_months_by_level"] == {"1": 36, "2": 12}
    assert ipc.extra["uncertain"] is True


# --- Importing again ---------------------------------------------------------------------


def test_reimporting_a_file_changes_no_row(db, django_assert_max_num_queries):
    data = (DATA_DIR / "uk-foundation-2021.json").read_bytes()
    before = snapshot()

    with django_assert_max_num_queries(6):
        result = import_bytes(data, slug="uk-foundation", version="2021")

    assert result.unchanged
    assert not result.created
    assert (result.items_unchanged, result.items_created, result.items_updated) == (16, 0, 0)
    assert snapshot() == before
    assert result.summary() == (
        "Imported UK Foundation Programme Curriculum 2021: unchanged (16 items)"
    )


def test_reimporting_the_same_content_in_a_different_file_writes_no_item(db):
    """A file reformatted but not changed is compared item by item, and no item is saved."""
    document = json.loads((DATA_DIR / "uk-foundation-2021.json").read_bytes())
    items_before = list(Item.objects.order_by("pk").values())

    result = import_bytes(
        json.dumps(document, indent=4).encode(), slug="uk-foundation", version="2021"
    )

    assert result.unchanged
    assert (result.items_unchanged, result.items_updated, result.items_removed) == (16, 0, 0)
    assert list(Item.objects.order_by("pk").values()) == items_before


def test_a_changed_file_updates_titles_and_removes_the_dropped_item(no_frameworks):
    items = [item("A"), item("A.1", parent="A"), item("A.2", parent="A"), item("B")]
    first = import_bytes(waymark(items)).framework
    a1 = first.items.get(code="A.1")

    items[1]["title"] = "A better title"
    del items[3]
    result = import_bytes(waymark(items))

    assert (result.items_created, result.items_updated, result.items_removed) == (0, 1, 1)
    assert result.items_unchanged == 2
    assert not result.unchanged
    assert result.summary() == (
        "Imported Test Framework 1: 0 items created, 1 updated, 2 unchanged, 1 removed"
    )
    assert sorted(first.items.values_list("code", flat=True)) == ["A", "A.1", "A.2"]
    a1.refresh_from_db()
    assert a1.title == "A better title", "the item is updated in place, keeping its id"


def test_an_item_moved_out_from_under_a_removed_parent_is_kept(no_frameworks):
    import_bytes(waymark([item("OLD"), item("CHILD", parent="OLD"), item("NEW")]))

    result = import_bytes(waymark([item("NEW"), item("CHILD", parent="NEW")]))

    assert result.items_removed == 1
    assert tree(result.framework) == {"NEW": None, "CHILD": "NEW"}
    assert list(result.framework.items.values_list("code", "position")) == [
        ("NEW", 1),
        ("CHILD", 2),
    ]


def test_an_item_a_programme_requires_cannot_be_dropped(org_a):
    framework = Framework.objects.get(slug="uk-foundation")
    programme = Programme.objects.create(
        organisation=org_a, name="Foundation Year 1", start_date=date(2026, 8, 5)
    )
    Requirement.objects.create(programme=programme, item=framework.items.get(code="FPC3"))
    document = json.loads((DATA_DIR / "uk-foundation-2021.json").read_bytes())
    document["items"] = [i for i in document["items"] if i["code"] != "FPC3"]
    document["items"][0]["title"] = "Changed"
    before = snapshot()

    with pytest.raises(ImportFailed) as failure:
        import_bytes(json.dumps(document).encode(), slug="uk-foundation", version="2021")

    assert failure.value.errors == [
        "FPC3 is no longer in the file but cannot be removed: requirement "
        "“Foundation Year 1: 1 × FPC3” refers to it."
    ]
    assert snapshot() == before


def test_a_different_document_cannot_replace_a_framework_of_the_same_version(db):
    package = CASE_SAMPLE.read_bytes()
    import_bytes(package, slug="skills")
    before = snapshot()
    another = package.replace(CASE_DOCUMENT_ID.encode(), b"another-document")

    with pytest.raises(ImportFailed) as failure:
        import_bytes(another, slug="skills")

    assert failure.value.errors == [
        "Core Clinical Skills for Final-Year Students (2025) was imported from a different "
        f"document ({CASE_DOCUMENT_ID}); this file is another-document. Give it another slug "
        "or version."
    ]
    assert snapshot() == before


# --- CASE 1.0 ----------------------------------------------------------------------------


def test_case_package_imports_with_its_tree_in_sequence(db):
    result = import_bytes(CASE_SAMPLE.read_bytes(), CASE_SAMPLE.name)

    framework = result.framework
    assert result.created and result.items_created == 8
    assert framework.slug == "core-clinical-skills-for-final-year-students"
    assert framework.version == "2025"
    assert framework.name == "Core Clinical Skills for Final-Year Students"
    assert framework.publisher == "Example Medical School"
    assert framework.external_id == CASE_DOCUMENT_ID
    assert framework.source_url == "https://www.example.ac.uk/curriculum/core-clinical-skills"
    assert framework.licence.startswith("CC BY 4.0\n")
    assert "Creative Commons Attribution 4.0" in framework.licence
    assert "Creator: Example Medical School Assessment Unit" in framework.notes
    # isChildOf of the document makes a root; sequenceNumber orders siblings, whatever the
    # order of the CFItems; the isRelatedTo association does not nest PROC.1 under COM.1.
    assert list(framework.items.values_list("code", "parent__code")) == [
        ("COM", None),
        ("COM.1", "COM"),
        ("COM.2", "COM"),
        ("COM.3", "COM"),
        ("PROC", None),
        ("PROC.1", "PROC"),
        ("PROC.2", "PROC"),
        (ARTERIAL_GAS_ID, "PROC"),
    ]


def test_case_items_take_their_title_code_and_identifier_from_the_cfitem(db):
    framework = import_bytes(CASE_SAMPLE.read_bytes()).framework
    items = {i.code: i for i in framework.items.all()}

    assert items["COM.1"].title == "Take a focused history"
    assert items["COM.1"].description.startswith("Take a focused history from a patient")
    assert items["COM.1"].external_id == "a1000000-0000-4000-8000-000000000002"
    assert items["COM.3"].title.startswith("Break bad news"), "no abbreviatedStatement"
    assert items["COM.3"].description == ""
    assert items["COM.3"].extra["notes"] == "Assessed in the final-year OSCE."
    assert items["COM.3"].extra["listEnumeration"] == "3"
    assert items[ARTERIAL_GAS_ID].title == "Arterial blood gas sampling", "no humanCodingScheme"
    assert "other_parents" not in items["PROC.1"].extra


def test_case_package_imported_twice_by_the_command_changes_nothing_the_second_time(db):
    first = StringIO()
    call_command("import_framework", str(CASE_SAMPLE), stdout=first)
    before = snapshot()
    second = StringIO()
    call_command("import_framework", str(CASE_SAMPLE), stdout=second)

    assert first.getvalue() == (
        "Imported Core Clinical Skills for Final-Year Students 2025: 8 items created, "
        "0 updated, 0 unchanged, 0 removed\n"
    )
    assert second.getvalue() == (
        "Imported Core Clinical Skills for Final-Year Students 2025: unchanged (8 items)\n"
    )
    assert snapshot() == before


def test_case_package_may_come_wrapped_in_cfpackage():
    package = json.loads(CASE_SAMPLE.read_bytes())

    parsed = parse("package.json", json.dumps({"CFPackage": package}).encode())

    assert len(parsed.items) == 8


def test_case_item_under_two_parents_keeps_the_first_and_records_the_other():
    package = json.loads(CASE_SAMPLE.read_bytes())
    also_under_com = json.loads(json.dumps(package["CFAssociations"][-1]))
    also_under_com["associationType"] = "isChildOf"
    also_under_com["destinationNodeURI"]["identifier"] = "a1000000-0000-4000-8000-000000000001"
    package["CFAssociations"].append(also_under_com)

    parsed = parse("package.json", json.dumps(package).encode())

    gas = next(i for i in parsed.items if i.code == ARTERIAL_GAS_ID)
    assert gas.parent_code == "PROC"
    assert gas.extra["other_parents"] == ["COM"]


# --- CSV ---------------------------------------------------------------------------------


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


# --- Bad files ---------------------------------------------------------------------------


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
