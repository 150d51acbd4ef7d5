"""1EdTech CASE 1.0 packages: the document, its items, and the tree their isChildOf
associations build."""

import json
from io import StringIO

from django.core.management import call_command

from curriculum.importers import parse
from tests.curriculum.framework_files import (
    ARTERIAL_GAS_ID,
    CASE_DOCUMENT_ID,
    CASE_SAMPLE,
    import_bytes,
    snapshot,
)


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
