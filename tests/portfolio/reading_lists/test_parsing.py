"""Reading lists as Zotero, Mendeley and EndNote export them, read into references: pure
functions, no database."""

import json
from pathlib import Path

import pytest
from django.core import signing

from portfolio.reading_lists import (
    MAX_FILE_BYTES,
    MAX_REFERENCES,
    PreviewExpired,
    ReadingList,
    ReadingListError,
    Reference,
    normal_doi,
    open_preview,
    read_reading_list,
    sign_preview,
)

FILES = Path(__file__).parent / "files"


def read(name: str) -> ReadingList:
    return read_reading_list((FILES / name).read_bytes(), name)


def test_a_zotero_bibtex_export_of_twenty_references_reads_as_twenty():
    reading_list = read("zotero_20.bib")

    assert reading_list.format == "bibtex"
    assert len(reading_list.references) == 20
    assert reading_list.problems == []
    first = reading_list.references[0]
    assert first.title == (
        "Early Goal-Directed Therapy in the Treatment of Severe Sepsis and Septic Shock"
    )
    assert first.authors[:2] == ("Rivers E", "Nguyen B")
    assert (first.journal, first.year) == ("New England Journal of Medicine", 2001)
    assert first.doi == "10.1056/nejmoa010307"
    assert first.record == "record 1 (rivers_early_2001)"


def test_bibtex_latex_accents_braces_and_organisations_read_as_people_write_them():
    by_key = {r.record.split("(")[1].rstrip(")"): r for r in read("zotero_20.bib").references}

    assert by_key["schon_reflective_1987"].authors == ("Schön DA",)
    # "and" inside braces is part of an organisation's name, not a second author.
    assert by_key["national_institute_for_health_and_care_excellence_sepsis_2024"].authors == (
        "National Institute for Health and Care Excellence",
    )
    assert by_key["ten_cate_entrustability_2005"].authors == ("ten Cate O",)
    # A book: its publisher stands where a journal would, and it has no DOI.
    assert (by_key["gawande_checklist_2010"].journal, by_key["gawande_checklist_2010"].doi) == (
        "Profile Books",
        "",
    )
    # A conference paper's proceedings; a DOI written as a link or in capitals, normalised.
    assert by_key["epstein_defining_2002"].journal == "JAMA"
    assert by_key["epstein_defining_2002"].doi == "10.1001/jama.287.2.226"
    assert by_key["royal_college_of_physicians_national_2017"].doi == "10.1136/bmj.j5040"


def test_an_endnote_ris_export_with_a_byte_order_mark():
    reading_list = read("endnote.ris")

    assert reading_list.format == "ris"
    assert [(r.title[:12], r.journal, r.year) for r in reading_list.references] == [
        ("Early Goal-D", "New England Journal of Medicine", 2001),
        ("The mini-CEX", "Annals of Internal Medicine", 2003),
        ("The Checklis", "Profile Books", 2010),
    ]
    assert [r.doi for r in reading_list.references] == [
        "10.1056/nejmoa010307",
        "10.7326/0003-4819-138-6-200303180-00012",
        "",
    ]
    assert reading_list.references[1].authors == ("Norcini JJ", "Blank LL")


def test_a_mendeley_ris_export_with_journal_in_jo_and_a_slashed_date():
    singer, mann = read("mendeley.ris").references

    assert (singer.journal, singer.year, singer.doi) == ("JAMA", 2016, "10.1001/jama.2016.0287")
    assert mann.authors == ("Mann K", "Gordon J", "MacLeod A")


def test_a_zotero_csl_json_export():
    reading_list = read("zotero.json")

    assert reading_list.format == "csl-json"
    recovery, entrustability, nice = reading_list.references
    assert recovery.authors == ("The RECOVERY Collaborative Group",)
    assert (recovery.year, recovery.doi) == (2021, "10.1056/nejmoa2021436")
    assert entrustability.record == "record 2 (EFGH5678)"
    assert (nice.year, nice.doi, nice.journal) == (2024, "", "")


def test_malformed_records_are_named_and_left_out_and_the_rest_stay_importable():
    reading_list = read("malformed.bib")

    assert [r.record for r in reading_list.references] == [
        "record 1 (rivers_early_2001)",
        "record 6 (singer_third_2016)",
    ]
    assert reading_list.problems == [
        "record 2 (smith2020): no title",
        "record 3 (jones2019): “not-a-doi” is not a DOI",
        "record 4 (brown2018): the year “last spring” is not a year",
        "record 5 (unclosed2017): could not be read at line 27; check its braces and commas",
    ]


def test_the_same_reference_twice_in_one_file_is_listed_once():
    reading_list = read("duplicates.bib")

    assert [r.record for r in reading_list.references] == [
        "record 1 (rivers_early_2001)",
        "record 3 (gawande_checklist_2010)",
    ]
    assert reading_list.problems == [
        "record 2 (rivers_early_2001a): the same DOI as record 1 (rivers_early_2001); listed once",
        "record 4 (gawande_checklist_2010b): the same title and year as record 3 "
        "(gawande_checklist_2010); listed once",
    ]


@pytest.mark.parametrize(
    "written",
    [
        "10.1056/NEJMoa010307",
        "https://doi.org/10.1056/NEJMoa010307",
        "http://dx.doi.org/10.1056/nejmoa010307",
        "doi:10.1056/NEJMOA010307",
        "  DOI 10.1056/NEJMoa010307 ",
    ],
)
def test_a_doi_is_one_string_however_it_is_written(written):
    assert normal_doi(written) == "10.1056/nejmoa010307"


def test_a_doi_link_escapes_what_would_end_or_break_a_url_path():
    reference = Reference(title="T", doi=normal_doi("10.1002/(SICI)1097:8<693::AID>3.0.CO;2-#?"))

    assert reference.doi_url == "https://doi.org/10.1002/(sici)1097:8%3C693::aid%3E3.0.co;2-%23%3F"


def test_csl_json_of_the_wrong_shape_names_the_record():
    items = [
        {"id": "a", "title": "Fine"},
        {"id": "b", "title": "Authors as text", "author": "Smith"},
        {"id": "c", "title": ["not", "text"]},
        "not an object",
    ]

    reading_list = read_reading_list(json.dumps(items).encode(), "list.json")

    assert [r.title for r in reading_list.references] == ["Fine"]
    assert reading_list.problems == [
        "record 2 (b): its authors are not a list of names",
        "record 3 (c): its title is not text",
        "record 4: is not a reference (a JSON object)",
    ]


def test_an_ris_record_with_no_end_line_is_reported_not_dropped_silently():
    text = "TY  - JOUR\nTI  - Read\nER  - \n\nTY  - JOUR\nTI  - Never ended\n"

    reading_list = read_reading_list(text.encode(), "list.ris")

    assert [r.title for r in reading_list.references] == ["Read"]
    assert reading_list.problems == ["record 2: 1 record(s) with no ER (end) line were not read"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"x" * (MAX_FILE_BYTES + 1), "big.bib", "larger than 1 MB"),
        ("@article{a, title={Caf\u00e9}}".encode("latin-1"), "a.bib", "not UTF-8"),
        (b"@article{a,\x00}", "a.bib", "not a text file"),
        (b"Just some notes about papers", "notes.doc", "not a reading list Waymark can read"),
        (b"[1, 2", "list.json", "not valid JSON"),
        (b'"a string"', "list.json", "a list of references"),
        (b"@comment{nothing here}", "empty.bib", "No references found in this BibTeX file"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_the_reason(content, name, message):
    with pytest.raises(ReadingListError, match=message):
        read_reading_list(content, name)


def test_more_references_than_one_import_takes_are_refused():
    records = "".join(
        f"@article{{r{n}, title={{Paper {n}}}, year={{2020}}}}\n" for n in range(MAX_REFERENCES + 1)
    )

    with pytest.raises(ReadingListError, match=f"at most {MAX_REFERENCES}"):
        read_reading_list(records.encode(), "many.bib")


def test_a_very_long_title_is_shortened_to_fit_an_entry():
    reference = read_reading_list(
        ("@article{long, title={" + "word " * 100 + "}}").encode(), "a.bib"
    ).references[0]

    assert len(reference.title) == 200 and reference.title.endswith("…")


def test_a_preview_comes_back_exactly_as_signed_for_its_trainee_only():
    reading_list = read("endnote.ris")
    token = sign_preview(reading_list, trainee_id=7)

    assert open_preview(token, trainee_id=7) == reading_list
    with pytest.raises(PreviewExpired, match="made for someone else"):
        open_preview(token, trainee_id=8)
    tampered = signing.dumps({"trainee": 7}, salt="another purpose")
    with pytest.raises(PreviewExpired, match="not one Waymark made"):
        open_preview(tampered, trainee_id=7)


def test_a_preview_expires_after_an_hour(monkeypatch):
    token = sign_preview(read("endnote.ris"), trainee_id=7)
    monkeypatch.setattr("portfolio.reading_lists.PREVIEW_MAX_AGE_SECONDS", -1)

    with pytest.raises(PreviewExpired, match="over an hour old"):
        open_preview(token, trainee_id=7)
