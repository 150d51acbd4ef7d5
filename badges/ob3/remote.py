"""Fetching another issuer's public documents: its profile with keys and its status list,
for the "verify a credential" page, and the hosted assertion, badge class and issuer
profile of a badge a trainee adds from elsewhere (badges.ob2_verifying).

The page is public, so whoever pastes a credential chooses the URLs fetched. Only HTTPS
on the default port, only hosts whose every address is a public one, and the connection
goes to the address that was checked (TLS still verifies the host name), so a name that
resolves elsewhere a moment later cannot point the fetch at this site's own network.
Answers are small JSON documents, read up to a limit, with a short timeout, no redirects.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import certifi
import urllib3

from core.addresses import AddressRefused, checked_address

MAX_BYTES = 256 * 1024
TIMEOUT = urllib3.Timeout(connect=3, read=5)


class FetchRefused(ValueError):
    pass


# Whether this machine's own servers may answer (BACKPACK_ALLOW_HTTP), for the checks a
# caller runs inside allowing_local(): the verify-a-credential page never does.
_local_allowed: ContextVar[bool] = ContextVar("local_allowed", default=False)


@contextmanager
def allowing_local(allowed: bool):
    token = _local_allowed.set(allowed)
    try:
        yield
    finally:
        _local_allowed.reset(token)


def _address(host: str, port: int, *, allow_local: bool) -> str:
    try:
        return checked_address(host, port, allow_private=allow_local)
    except AddressRefused as error:
        raise FetchRefused(str(error)) from error


def _pool(parts, *, allow_local: bool):
    """A connection pool to the checked address of the URL's host: https on the default
    port; with `allow_local` (BACKPACK_ALLOW_HTTP, never in production) also http, any
    port, and this machine's own addresses."""
    schemes = ("https", "http") if allow_local else ("https",)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in schemes or not parts.hostname or port == -1:
        raise FetchRefused(f"Only https:// addresses are fetched, not {parts.geturl()}.")
    if not allow_local and port not in (None, 443):
        raise FetchRefused(f"Only https:// addresses are fetched, not {parts.geturl()}.")
    port = port or (443 if parts.scheme == "https" else 80)
    address = _address(parts.hostname, port, allow_local=allow_local)
    if parts.scheme == "http":
        return urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False), port
    pool = urllib3.HTTPSConnectionPool(
        address,
        port,
        server_hostname=parts.hostname,
        assert_hostname=parts.hostname,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
        timeout=TIMEOUT,
        retries=False,
    )
    return pool, port


def fetch_json(url: str, *, allow_local: bool | None = None) -> dict:
    status, document = fetch_document(url, allow_local=allow_local)
    if status != 200:
        raise FetchRefused(f"{url} answered {status}.")
    return document


def fetch_document(url: str, *, allow_local: bool | None = None) -> tuple[int, dict]:
    """The answer's status and JSON object. 200 and 410 are read (an Open Badges 2.0
    assertion that was revoked answers 410 with the reason); any other status refuses."""
    if allow_local is None:
        allow_local = _local_allowed.get()
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise FetchRefused(f"{url} is not a web address.") from error
    pool, port = _pool(parts, allow_local=allow_local)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host = parts.hostname if port in (80, 443) else f"{parts.hostname}:{port}"
    try:
        response = pool.request(
            "GET",
            path,
            headers={"Host": host, "Accept": "application/ld+json, application/json"},
            redirect=False,
            preload_content=False,
        )
        body = response.read(MAX_BYTES + 1)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchRefused(f"{url} did not answer: {error}") from error
    finally:
        pool.close()
    if response.status not in (200, 410):
        raise FetchRefused(f"{url} answered {response.status}.")
    if len(body) > MAX_BYTES:
        raise FetchRefused(f"{url} answered with more than a credential document's worth.")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FetchRefused(f"{url} did not answer with JSON.") from error
    if not isinstance(document, dict):
        raise FetchRefused(f"{url} did not answer with a JSON object.")
    return response.status, document
