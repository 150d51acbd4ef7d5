"""A trainee with a portfolio worth exporting, and exports stored in each test's own folder."""

import io
from datetime import date

import pytest
from django.core.files.storage import FileSystemStorage
from pypdf import PdfReader

from badges import demo
from badges.models import BadgeClass
from badges.services import awarding
from exports.models import Export
from portfolio import services as portfolio_services


@pytest.fixture(autouse=True)
def export_storage(tmp_path, monkeypatch):
    """Finished exports go to this test's own folder. The file field took its storage when
    the model class was made, so it is pointed at the folder directly."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Export._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def period(frozen_today):
    """A period that holds every entry the fixtures log."""
    return {"date_from": date(2025, 4, 1), "date_to": frozen_today}


@pytest.fixture
def portfolio(enrolled_trainee, supervisor, fpcs, log, org_a, frozen_today):
    """Entries over two appraisal years, two of them signed off, one with a link as
    evidence, and a badge."""
    trainee = enrolled_trainee
    trainee.full_name = "Dr Asha Patel"
    trainee.registration_number = "7123456"
    trainee.save()
    signed = [
        log(
            title="Sepsis simulation",
            kind="simulation",
            date=date(2025, 6, 10),
            duration_minutes=90,
            provider="St Elsewhere Sim Centre",
            items=[fpcs["FPC1"]],
            reflection_learned="Call for help early.",
        ),
        log(title="Chest drain insertion", kind="procedure", date=date(2026, 5, 4)),
    ]
    for entry in signed:
        portfolio_services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
        portfolio_services.approve(entry=entry, actor=supervisor, comment="Well done.")
    draft = log(
        title="Reading: NICE sepsis guideline",
        kind="reading",
        date=date(2026, 6, 1),
        duration_minutes=45,
        items=[fpcs["FPC2"]],
    )
    portfolio_services.add_link_evidence(
        entry=draft, actor=trainee, url="https://www.nice.org.uk/guidance/ng51", title="NG51"
    )
    demo.create_badge_classes(org_a)
    badge_class = BadgeClass.objects.filter(rule__isnull=True).first()
    award = awarding.award_badge(badge_class=badge_class, recipient=trainee)
    return {"trainee": trainee, "signed": signed, "draft": draft, "award": award}


def read_pdf(export: Export) -> PdfReader:
    with export.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and action.get("/URI"):
                uris.append(str(action["/URI"]))
    return uris


def qr_codes(pdf_bytes: bytes, scale: float = 3) -> list[str]:
    """The text of every QR code printed in the PDF, page by page: each page rendered to an
    image by PDFium and read by ZXing, as a phone's camera would."""
    import pypdfium2
    import zxingcpp

    found = []
    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        for page in document:
            image = page.render(scale=scale).to_pil()
            found += [
                code.text
                for code in zxingcpp.read_barcodes(image)
                if code.format == zxingcpp.BarcodeFormat.QRCode
            ]
    finally:
        document.close()
    return found
