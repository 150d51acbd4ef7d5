"""Rendering a PDF never fetches anything: an entry that names an address on some server,
inside the hospital network or outside it, cannot make the worker call it. A local HTTP
server counts the requests it gets; after rendering it has had none."""

import http.server
import io
import threading
from datetime import date

import pytest
from weasyprint import HTML

from exports import pdf, services
from exports.filters import Chosen
from portfolio.models import Evidence
from tests.exports.conftest import pdf_text, read_pdf

pytestmark = pytest.mark.django_db


class CountingServer:
    """Answers every GET with a tiny PNG, and counts them."""

    # A whole 1×1 transparent PNG, made by Pillow.
    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d494441"
        "54789c6360606060000000050001a5f645400000000049454e44ae426082"
    )

    def __init__(self):
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(server.PNG)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    counting = CountingServer()
    yield counting
    counting.close()


def page_naming(server) -> str:
    return f"""<!doctype html><html lang="en"><head><title>t</title>
        <link rel="stylesheet" href="{server.url}/style.css">
        <style>body {{ background: url({server.url}/background.png) }}
        @font-face {{ font-family: Far; src: url({server.url}/font.woff2) }}</style></head>
        <body><img src="{server.url}/image.png" alt="x">
        <object data="{server.url}/object.svg"></object></body></html>"""


def test_the_pdf_fetcher_refuses_every_address_but_its_own_static_files(server):
    pdf.write_pdf(page_naming(server), io.BytesIO())

    assert server.requests == []


def test_without_the_fetcher_the_same_page_would_call_the_server(server, tmp_path):
    # What the test above guards against: WeasyPrint's own fetcher calls every address.
    HTML(string=page_naming(server)).write_pdf(tmp_path / "out.pdf")

    assert "/image.png" in server.requests


def test_the_fetcher_reads_waymarks_stylesheet_from_disk_and_data_uris():
    fetcher = pdf.StaticFilesOnly()
    css = fetcher.fetch(pdf.static_base_url() + "static/css/portfolio-pdf.css")
    data = fetcher.fetch("data:text/plain;base64,V2F5bWFyaw==")

    assert b"@page" in css.read()
    assert data.read() == b"Waymark"
    for refused in (
        "http://127.0.0.1:8000/media/private/evidence/x.pdf",
        "http://127.0.0.1:8000/static/../config/settings.py",
        "file:///etc/passwd",
        "https://example.org/static/css/portfolio-pdf.css",
    ):
        with pytest.raises(pdf.RefusedFetch):
            fetcher.fetch(refused)


def test_an_entry_naming_local_addresses_exports_without_a_single_request(
    server, log, enrolled_trainee, django_capture_on_commit_callbacks
):
    entry = log(
        title=f'<img src="{server.url}/title.png"> Ward round',
        date=date(2026, 5, 1),
        provider=f"{server.url}/provider.png",
        description=f'<link rel="stylesheet" href="{server.url}/d.css">',
        reflection_learned=f'<img src="{server.url}/reflection.png">',
    )
    # A link to an address inside the network, as an import might bring: stored as it came.
    Evidence.objects.create(
        entry=entry, kind=Evidence.Kind.LINK, url=f"{server.url}/evidence.png", title="Scan"
    )

    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_export(
            actor=enrolled_trainee,
            format="pdf",
            chosen=Chosen(
                date_from=date(2026, 4, 1), date_to=date(2026, 5, 31), include_reflections=True
            ),
        )
    export.refresh_from_db()

    assert export.status == "done"
    assert f'<img src="{server.url}/title.png"> Ward round' in pdf_text(read_pdf(export))
    assert server.requests == []


def test_making_pdfs_leaves_pillow_refusing_truncated_images():
    # WeasyPrint switches this on when imported; evidence checks in the same worker need it
    # off (tests/portfolio/evidence/test_processing.py refuses a bomb image with it off).
    from PIL import ImageFile

    import exports.pdf  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
