"""An issuer's own web site on localhost: an http.server in a thread that answers
/.well-known/waymark-issuer.txt with whatever the test sets, and records every request; and,
where a test is not about the network, a proven domain without one."""

import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from badges.domain_checks import CheckFailed
from badges.models import IssuerDomainVerification
from badges.services import issuer_domains

NOW = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
EVIDENCE = "Listed by the Academy of Medical Royal Colleges; confirmed with its office."


def no_txt_record(name):
    raise CheckFailed(f"{name} has no TXT record.")


def verify_domain(issuer, now=NOW):
    """The issuer's domain proven, as if its site served the token (the network is the only
    thing stood in for)."""

    def fetch(url):
        return IssuerDomainVerification.objects.get(issuer=issuer).token

    result = issuer_domains.check_issuer_domain(
        issuer, fetch=fetch, resolve_txt=no_txt_record, now=now
    )
    assert result.verified


class IssuerSite:
    def __init__(self):
        self.status = 404
        self.body = b""
        self.headers: dict[str, str] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                self.send_response(site.status)
                for name, value in site.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(site.body)))
                self.end_headers()
                self.wfile.write(site.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        """The issuer's web address, as its admins would enter it."""
        return f"http://127.0.0.1:{self.port}/"

    def serve(self, text: str, status: int = 200) -> None:
        self.status, self.body = status, text.encode()

    def redirect(self, location: str) -> None:
        self.status, self.body, self.headers = 302, b"", {"Location": location}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SilentSite:
    """Accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.clients = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)

    def close(self):
        self.sock.close()
        for client in self.clients:
            client.close()


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"
