"""Sending one signed message to a receiver: Standard Webhooks signing, and an HTTP POST
to the address that was checked, with short timeouts and no redirects."""

import base64
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from badges.ob3.keys import encryption
from core.addresses import AddressRefused, checked_address

TIMEOUT = urllib3.Timeout(connect=3, read=10)
# Receivers answer with a status; their bodies are not read beyond this.
MAX_RESPONSE_BYTES = 4096


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(24)


def encrypt(secret: str) -> str:
    # The Fernet keys that protect issuers' signing keys protect these too (MultiFernet,
    # rotated with `reencrypt_badge_keys`' keys setting).
    return encryption().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return encryption().decrypt(token.encode()).decode()


def signature_header(*, secrets_: list[str], message_id: str, timestamp: datetime, body: str):
    """One `v1,` signature per secret, space-separated, as the specification allows while a
    secret is being rotated."""
    return " ".join(
        Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)
        for secret in secrets_
    )


@dataclass
class Outcome:
    status_code: int | None
    response_ms: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a receiver's URL, if Waymark may send to it at all."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("A receiver's address must start with https:// (or http://).")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"{url} has no valid port.") from error
    return parts.scheme, parts.hostname, port


def allow_private() -> bool:
    return settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES


def post(url: str, *, body: str, headers: dict[str, str], clock=time.monotonic) -> Outcome:
    """POST `body` to `url`. Refused before connecting if the host resolves to an address
    that is not allowed; the connection goes to the checked address, not to the name."""
    try:
        scheme, host, port = check_url(url)
        address = checked_address(host, port, allow_private=allow_private())
    except AddressRefused as error:
        return Outcome(None, None, f"Refused: {error}")
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            timeout=TIMEOUT,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = host if port in (80, 443) else f"{host}:{port}"
    started = clock()
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body.encode(),
            headers={"Host": host_header, **headers},
            redirect=False,
            preload_content=False,
        )
        response.read(MAX_RESPONSE_BYTES)
        response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return Outcome(None, round((clock() - started) * 1000), str(error)[:500])
    finally:
        pool.close()
    elapsed = round((clock() - started) * 1000)
    error = "" if 200 <= response.status < 300 else f"Answered {response.status}."
    return Outcome(response.status, elapsed, error)
