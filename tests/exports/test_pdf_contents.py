"""What the PDF portfolio says, read back from the file with pypdf: the cover, credits,
coverage, entries with their sign-offs, badges, page numbers, working contents links, and
the tagging PDF/UA asks for."""

import re
from datetime import date

import pytest

from exports import services
from exports.filters import Chosen
from portfolio.verification import sign_off_link
from tests.exports.conftest import link_uris, pdf_text, read_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_pdf(django_capture_on_commit_callbacks):
    def export_pdf(trainee, **chosen):
        with django_capture_on_commit_callbacks(execute=True):
            export = services.request_export(actor=trainee, format="pdf", chosen=Chosen(**chosen))
        export.refresh_from_db()
        assert export.status == "done", export.error
        return read_pdf(export)

    return export_pdf


def test_cover_names_the_trainee_gmc_number_programme_period_and_date(
    portfolio, period, export_pdf, frozen_today
):
    reader = export_pdf(portfolio["trainee"], **period)
    cover = reader.pages[0].extract_text()

    assert "Dr Asha Patel" in cover
    assert "7123456" in cover
    programme = portfolio["trainee"].enrolments.get().programme
    assert programme.name in cover
    assert "1 April 2025 to " + f"{frozen_today:%-d %B %Y}" in cover
    assert "Generated on" in cover
    assert reader.metadata.title == "Learning portfolio of Dr Asha Patel"


def test_every_entry_is_listed_with_its_details_and_sign_off(portfolio, period, export_pdf):
    text = pdf_text(export_pdf(portfolio["trainee"], **period))

    for title in ("Sepsis simulation", "Chest drain insertion", "Reading: NICE sepsis guideline"):
        assert title in text
    assert "10 June 2025" in text
    assert "St Elsewhere Sim Centre" in text
    assert "1.50 hours, 1.50 CPD credits" in text
    assert "FPC1 Clinical assessment" in text
    assert "NG51" in text  # the evidence, by name
    supervisor = portfolio["signed"][0].sign_offs.get().supervisor
    assert f"Signed off by {supervisor}" in text
    assert "Not submitted" in text  # the draft's status


def test_each_sign_off_and_badge_carries_its_public_link(portfolio, period, export_pdf):
    reader = export_pdf(portfolio["trainee"], **period)
    uris = set(link_uris(reader))
    text = pdf_text(reader)

    for entry in portfolio["signed"]:
        link = sign_off_link(entry.sign_offs.get())
        assert link in uris
        assert link in text
    award = portfolio["award"]
    assert f"http://127.0.0.1:8000/badges/awards/{award.uid}/" in uris
    assert award.badge_class.name in text
    assert award.badge_class.issuer.name in text


def test_credits_are_totalled_per_appraisal_year_against_the_target(portfolio, period, export_pdf):
    text = pdf_text(export_pdf(portfolio["trainee"], **period))

    # 90 minutes in 2025-26; the procedure (no time) and 45 minutes of reading in 2026-27.
    assert re.search(r"1 Apr 2025 to 31 Mar 2026\s+1\s+1\.50\s+50\s+Not yet", text)
    assert re.search(r"1 Apr 2026 to 31 Mar 2027\s+2\s+0\.75\s+50\s+Not yet", text)


def test_coverage_of_each_enrolled_programme_is_shown(portfolio, period, export_pdf):
    text = pdf_text(export_pdf(portfolio["trainee"], **period))

    assert "Curriculum coverage" in text
    assert re.search(r"FPC1 Clinical assessment\s+1\s+1", text)  # one entry, signed off
    assert re.search(r"FPC2 Clinical prioritisation\s+1\s+0", text)


def test_pages_are_numbered_and_headed_with_the_trainee_and_section(portfolio, period, export_pdf):
    reader = export_pdf(portfolio["trainee"], **period)
    total = len(reader.pages)

    for number, page in enumerate(reader.pages[1:], start=2):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert "Dr Asha Patel" in text


def test_contents_links_go_to_the_pages_their_sections_start_on(portfolio, period, export_pdf):
    reader = export_pdf(portfolio["trainee"], **period)
    contents = reader.pages[1]
    starts = {
        name: next(
            n for n, page in enumerate(reader.pages, start=1) if heading in page.extract_text()
        )
        for name, heading in (("entries", "Entries\nSepsis simulation"), ("badges", "Badges\n"))
    }

    internal = [
        annotation.get_object()
        for annotation in contents.get("/Annots") or []
        if "/Dest" in annotation.get_object() or "/D" in (annotation.get_object().get("/A") or {})
    ]
    assert len(internal) >= 4  # CPD, coverage (and its programme), entries, badges
    targets = set()
    for annotation in internal:
        destination = annotation.get("/Dest") or annotation["/A"]["/D"]
        if isinstance(destination, str) or hasattr(destination, "original_bytes"):
            destination = reader.named_destinations[str(destination)]
            targets.add(reader.get_destination_page_number(destination) + 1)
        else:
            targets.add(reader.get_page_number(destination[0]) + 1)
    assert set(starts.values()) <= targets
    text = contents.extract_text()
    # The page numbers are printed beside the headings (CSS target-counter).
    assert re.search(rf"Entries\W*{starts['entries']}\b", text)
    assert re.search(rf"Badges\W*{starts['badges']}\b", text)


def test_the_pdf_is_tagged_for_accessibility_with_its_language(portfolio, period, export_pdf):
    reader = export_pdf(portfolio["trainee"], **period)
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()


def test_reflections_are_left_out_unless_asked_for(portfolio, period, export_pdf):
    trainee = portfolio["trainee"]

    assert "Call for help early." not in pdf_text(export_pdf(trainee, **period))
    assert "Call for help early." in pdf_text(
        export_pdf(trainee, **period, include_reflections=True)
    )


def test_by_default_the_current_appraisal_year_is_exported(portfolio, export_pdf, frozen_today):
    text = pdf_text(export_pdf(portfolio["trainee"]))

    assert "Chest drain insertion" in text  # May 2026
    assert "Sepsis simulation" not in text  # June 2025: last appraisal year
    assert "1 April 2026 to 31 March 2027" in text


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({"kinds": ["procedure", "reading"]}, {"Chest drain insertion", "Reading: NICE"}),
        ({"signed_off_only": True}, {"Sepsis simulation", "Chest drain insertion"}),
        ({"date_from": date(2026, 5, 5)}, {"Reading: NICE"}),
        ({"items": "HLO1"}, {"Sepsis simulation", "Reading: NICE"}),  # FPC1, FPC2 under it
        ({"items": "FPC2"}, {"Reading: NICE"}),
    ],
    ids=["kinds", "signed-off-only", "dates", "item-and-descendants", "one-item"],
)
def test_filters_choose_the_entries(portfolio, period, export_pdf, foundation, chosen, expected):
    if "items" in chosen:
        chosen["items"] = [foundation.items.get(code=chosen["items"]).pk]
    reader = export_pdf(portfolio["trainee"], **{**period, **chosen})

    # The entries section's pages: those headed with its name.
    entries_section = "".join(
        text for page in reader.pages if "Dr Asha Patel Entries" in (text := page.extract_text())
    )
    titles = {"Sepsis simulation", "Chest drain insertion", "Reading: NICE"}
    assert {t for t in titles if t in entries_section} == expected


def test_the_gathered_rows_are_freed_before_the_layout(portfolio, period, export_pdf, monkeypatch):
    """Laying the pages out is the peak of an export's memory: the entries gathered for the
    HTML must not be held through it."""
    import weakref

    from exports import contents, pdf

    gathered, alive_at_layout = [], []
    gather, write_pdf = contents.gather, pdf.write_pdf

    def gather_and_watch(*args, **kwargs):
        result = gather(*args, **kwargs)
        gathered.extend(weakref.ref(entry) for entry in result.entries)
        return result

    def write_and_check(*args, **kwargs):
        alive_at_layout.extend(ref for ref in gathered if ref() is not None)
        return write_pdf(*args, **kwargs)

    monkeypatch.setattr(contents, "gather", gather_and_watch)
    monkeypatch.setattr(pdf, "write_pdf", write_and_check)
    export_pdf(portfolio["trainee"], **period)
    assert gathered
    assert not alive_at_layout


def test_label_and_value_cells_keep_their_own_style_through_layout(portfolio, period):
    """A stretched grid cell is sized by giving it a copy of its whole computed style, twice;
    across a portfolio's thousands of labels and values that was the largest part of the
    layout's memory. Cells placed at their start are laid out with the style they have."""
    from weasyprint import HTML

    from exports import contents, pdf
    from exports.filters import check_filters

    trainee = portfolio["trainee"]
    html = pdf.portfolio_html(contents.gather(trainee, check_filters(trainee, Chosen(**period))))
    document = HTML(
        string=html, base_url=pdf.static_base_url(), url_fetcher=pdf.StaticFilesOnly()
    ).render(pdf_variant=pdf.PDF_VARIANT)
    cells = [
        box
        for page in document.pages
        for box in page._page_box.descendants()
        if box.element_tag in ("dt", "dd")
    ]
    assert len(cells) > 20
    assert all(box.style["width"] == "auto" and box.style["height"] == "auto" for box in cells)
