"""The PDF export in a real Chromium, on a phone: the demo trainee asks for their portfolio,
watches its progress, and downloads it. The PDF names them and their entries, and its
sign-off links and QR codes open the public confirmation page for someone signed out."""

import io
import re
import threading
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from exports import services, tasks
from exports.models import Export
from portfolio.models import LearningEntry
from tests.browser.conftest import (
    PHONE,
    TRAINEE_EMAIL,
    assert_fits_phone,
    assert_no_csp_violations,
    describe_violations,
    expect,
    open_path,
    run_axe,
    screenshot,
    sign_in,
)
from tests.exports.conftest import link_uris, pdf_text, qr_codes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def export_storage(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(Export._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def site_is_the_live_server(settings, live_server):
    """Printed links are built from SITE_URL: here, the server the browser talks to."""
    settings.SITE_URL = live_server.url


class Worker:
    """Makes exports in a thread of its own, as a Celery worker would, so that the page
    has something to show while it waits. It holds each export once its layout starts,
    until the test has seen that progress on the page."""

    def __init__(self):
        self.seen_progress = threading.Event()
        self.threads = []

    def publish(self, args=(), **kwargs):
        thread = threading.Thread(target=self.make, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def make(self, export_id):
        try:
            export = Export.objects.get(pk=export_id)
            write = services.default_writer(export)

            def held(*, trainee, out, progress):
                def report(percent, what):
                    progress(percent, what)
                    if what.startswith("Laying out"):
                        self.seen_progress.wait(timeout=30)

                write(trainee=trainee, out=out, progress=report)

            services.make_export(export_id=export_id, writer=held)
        finally:
            connection.close()

    def join(self):
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def worker(monkeypatch):
    worker = Worker()
    monkeypatch.setattr(tasks.make_export, "apply_async", worker.publish)
    yield worker
    worker.seen_progress.set()
    worker.join()


def export_a_pdf(page, date_from):
    page.get_by_role("link", name="Export your portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export your portfolio")
    page.get_by_label("From").fill(date_from.isoformat())
    page.get_by_role("button", name="Export as PDF").click()


def test_trainee_exports_their_portfolio_as_a_pdf_and_checks_it_on_paper(
    demo_data, site_is_the_live_server, worker, new_page
):
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    date_from = timezone.localdate() - timedelta(days=365)
    page = new_page(viewport=PHONE)
    sign_in(page)

    export_a_pdf(page, date_from)

    progress = page.locator("li.export progress")
    expect(page.locator("li.export")).to_contain_text(re.compile(r"\d+% — Laying out the pages"))
    expect(progress).to_have_attribute("value", re.compile(r"^[4-9]\d$"))
    screenshot(page, "export-in-progress-phone")
    worker.seen_progress.set()
    download_link = page.get_by_role("link", name=re.compile(r"^Download PDF portfolio"))
    expect(download_link).to_be_visible(timeout=60_000)
    expect(progress).to_have_count(0)
    screenshot(page, "export-ready-phone")
    assert_fits_phone(page)
    assert_no_csp_violations(page)
    with page.expect_download() as downloading:
        download_link.click()
    pdf_bytes = open(downloading.value.path(), "rb").read()  # noqa: SIM115 - read at once

    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = pdf_text(reader)
    assert trainee.full_name in text
    titles = set(
        LearningEntry.objects.filter(trainee=trainee, date__gte=date_from).values_list(
            "title", flat=True
        )
    )
    assert len(titles) >= 20
    flat = " ".join(text.split())
    assert {t for t in titles if " ".join(t.split()) in flat} == titles
    sign_off_links = {uri for uri in link_uris(reader) if "/v/" in uri}
    assert (
        len(sign_off_links)
        == trainee.sign_offs_received.filter(
            withdrawal__isnull=True, entry__date__gte=date_from
        ).count()
    )
    site = page.url.split("/exports")[0]
    assert sign_off_links and all(link.startswith(site + "/v/") for link in sign_off_links)

    # On paper: the QR codes are the printed links, and they open for anyone.
    printed = set(qr_codes(pdf_bytes))
    assert sign_off_links <= printed
    assert printed <= set(link_uris(reader))
    stranger = new_page(viewport=PHONE)
    for link in sorted(sign_off_links)[:3]:
        open_path(stranger, link)
        expect(stranger.get_by_role("heading", level=1)).to_contain_text("Sign-off of")
        expect(stranger.locator("main")).to_contain_text("Signed off by")
        expect(stranger.get_by_role("button", name="Sign out")).to_have_count(0)


def test_export_page_passes_axe_on_a_phone(demo_data, new_page, monkeypatch):
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page)
    open_path(page, "/exports/")
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    # Nothing runs by itself: each export is left in the state the list is to show.
    monkeypatch.setattr(tasks.make_export, "apply_async", lambda *args, **kwargs: None)
    # One of each state for the list: waiting, being made, ready, failed.
    for status, progress in (("queued", 0), ("running", 55), ("done", 100), ("failed", 0)):
        export = services.request_export(actor=trainee, format="pdf")
        if status == "done":
            services.make_export(export_id=export.pk, writer=lambda **kw: kw["out"].write(b"x"))
        elif status == "failed":
            services.make_export(export_id=export.pk, writer=lambda **kw: 1 / 0)
        else:
            Export.objects.filter(pk=export.pk).update(
                status=status, progress=progress, stage="Laying out the pages"
            )
    open_path(page, "/exports/")
    page.get_by_text("Choose curriculum items").click()
    screenshot(page, "export-page-phone")
    assert_fits_phone(page)

    violations = run_axe(page)
    assert not violations, describe_violations(violations)
