"""Fetching another issuer's public documents (its profile with keys, its status list) for
the "verify a credential" page, and nothing else.

The page is public, so whoever pastes a credential chooses the URLs fetched. Only HTTPS
on the default port, only hosts whose every address is a public one, and the connection
goes to the address that was checked (TLS still verifies the host name), so a name that
resolves elsewhere a moment later cannot point the fetch at this site's own network.
Answers are small JSON documents, read up to a limit, with a short timeout, no redirects.
"""

import json
from urllib.parse import urlsplit

import certifi
import urllib3

from core.addresses import AddressRefused, checked_address

MAX_BYTES = 256 * 1024
TIMEOUT = urllib3.Timeout(connect=3, read=5)


class FetchRefused(ValueError):
    pass


def _public_address(host: str) -> str:
    try:
        return checked_address(host, 443)
    except AddressRefused as error:
        raise FetchRefused(str(error)) from error


def fetch_json(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.port not in (None, 443):
        raise FetchRefused(f"Only https:// addresses are fetched, not {url}.")
    address = _public_address(parts.hostname)
    pool = urllib3.HTTPSConnectionPool(
        address,
        443,
        server_hostname=parts.hostname,
        assert_hostname=parts.hostname,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
        timeout=TIMEOUT,
        retries=False,
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        response = pool.request(
            "GET",
            path,
            headers={"Host": parts.hostname, "Accept": "application/ld+json, application/json"},
            redirect=False,
            preload_content=False,
        )
        body = response.read(MAX_BYTES + 1)
    except urllib3.exceptions.HTTPError as error:
        raise FetchRefused(f"{url} did not answer: {error}") from error
    finally:
        pool.close()
    if response.status != 200:
        raise FetchRefused(f"{url} answered {response.status}.")
    if len(body) > MAX_BYTES:
        raise FetchRefused(f"{url} answered with more than a credential document's worth.")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise FetchRefused(f"{url} did not answer with JSON.") from error
    if not isinstance(document, dict):
        raise FetchRefused(f"{url} did not answer with a JSON object.")
    return document
