"""Waymark JSON files, as the shipped frameworks in curriculum/data are: every item and its
place in the tree, the provenance, and fields beyond the common ones."""

import pytest

from curriculum.models import Framework, Item
from curriculum.services import DATA_DIR, SHIPPED_FRAMEWORKS, hash_content
from tests.curriculum.framework_files import import_bytes, tree

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
