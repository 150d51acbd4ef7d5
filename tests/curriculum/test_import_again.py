"""Importing a framework again: an unchanged file writes nothing, a changed one updates the
items in place and removes dropped ones, unless something still refers to them."""

import json
from datetime import date

import pytest

from curriculum.importers import ImportFailed
from curriculum.models import Framework, Item, Programme, Requirement
from curriculum.services import DATA_DIR
from tests.curriculum.framework_files import (
    CASE_DOCUMENT_ID,
    CASE_SAMPLE,
    import_bytes,
    item,
    snapshot,
    tree,
    waymark,
)


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
