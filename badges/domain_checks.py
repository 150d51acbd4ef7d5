"""Looking for an issuer's verification token where only someone who runs its domain could
put it: a file at https://<domain>/.well-known/waymark-issuer.txt, or a DNS TXT record
`waymark-issuer=<token>` on `_waymark.<domain>`.

The issuer chooses the domain, so the fetch follows the webhooks' rules (core.addresses): the
host is resolved once, every address it resolves to is checked, and the connection goes to
the checked address. Short timeouts, a few kilobytes read at most, no redirects followed (a
redirect could point anywhere, and the file is small enough to serve where it is asked for).
Nothing here touches the database; every failure is a CheckFailed with the reason in words.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import dns.exception
import dns.resolver
import urllib3
from django.conf import settings

from core.addresses import AddressRefused, checked_address

WELL_KNOWN_PATH = "/.well-known/waymark-issuer.txt"
# An underscore label, as RFC 8552 reserves them for such records: it keeps the token out of
# the domain's own TXT records, which mail and other services read.
DNS_LABEL = "_waymark"
TXT_PREFIX = "waymark-issuer="
# The file holds one token; anything much larger is not it.
MAX_BYTES = 4096
TIMEOUT = urllib3.Timeout(connect=3, read=3)
DNS_LIFETIME = 3.0


class CheckFailed(Exception):
    pass


@dataclass(frozen=True)
class Found:
    method: str  # IssuerDomainVerification.Method
    where: str


def domain_of(url: str) -> str:
    """The host of an issuer's web address, as Waymark verifies it: lower case, no port,
    no trailing dot."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".")


def well_known_url(issuer_url: str) -> str:
    parts = urlsplit(issuer_url)
    host = domain_of(issuer_url)
    if ":" in host:
        host = f"[{host}]"
    if parts.scheme == "http" and settings.ISSUER_VERIFICATION_ALLOW_HTTP:
        try:
            port = parts.port
        except ValueError:
            port = None
        return f"http://{host}{f':{port}' if port else ''}{WELL_KNOWN_PATH}"
    return f"https://{host}{WELL_KNOWN_PATH}"


def dns_name(domain: str) -> str:
    return f"{DNS_LABEL}.{domain}"


def dns_value(token: str) -> str:
    return f"{TXT_PREFIX}{token}"


def fetch_well_known(url: str, *, timeout: urllib3.Timeout = TIMEOUT) -> str:
    """The text at `url` (a well_known_url), or CheckFailed saying why there is none."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.ISSUER_VERIFICATION_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise CheckFailed(f"{url} is not an address Waymark checks: only https:// is.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = checked_address(
            parts.hostname, port, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
        )
    except AddressRefused as error:
        raise CheckFailed(f"Waymark does not connect there: {error}") from error
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    host_header = parts.hostname if parts.port in (None, 80, 443) else f"{parts.hostname}:{port}"
    try:
        response = pool.urlopen(
            "GET",
            parts.path,
            headers={"Host": host_header, "Accept": "text/plain"},
            redirect=False,
            preload_content=False,
        )
        body = response.read(MAX_BYTES + 1)
        response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise CheckFailed(f"{url} did not answer: {_reason(error)}") from error
    finally:
        pool.close()
    if 300 <= response.status < 400:
        raise CheckFailed(
            f"{url} answered {response.status}, a redirect, which Waymark does not follow: "
            "serve the file at this address itself."
        )
    if response.status != 200:
        raise CheckFailed(f"{url} answered {response.status}.")
    if len(body) > MAX_BYTES:
        raise CheckFailed(
            f"{url} answered with more than {MAX_BYTES // 1024} KB; the file should hold the "
            "token alone."
        )
    return body.decode("utf-8", errors="replace")


def _reason(error: Exception) -> str:
    # NewConnectionError is a kind of ConnectTimeoutError in urllib3, so it is asked first.
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the connection was refused or could not be made."
    if isinstance(error, urllib3.exceptions.TimeoutError):
        return "it took too long to answer."
    return str(error)[:300]


def resolve_txt(name: str) -> list[str]:
    """The TXT strings at `name`, or CheckFailed: also where this server has no resolver."""
    try:
        resolver = dns.resolver.Resolver()
    except dns.resolver.NoResolverConfiguration as error:
        raise CheckFailed(
            "This server has no DNS resolver configured, so TXT records cannot be checked."
        ) from error
    resolver.lifetime = DNS_LIFETIME
    try:
        answer = resolver.resolve(name, "TXT")
    except dns.resolver.NXDOMAIN as error:
        raise CheckFailed(f"{name} does not exist in DNS.") from error
    except dns.resolver.NoAnswer as error:
        raise CheckFailed(f"{name} has no TXT record.") from error
    except dns.exception.Timeout as error:
        raise CheckFailed(f"The DNS lookup of {name} took too long.") from error
    except dns.exception.DNSException as error:
        raise CheckFailed(f"The DNS lookup of {name} failed: {error}") from error
    return [b"".join(record.strings).decode("utf-8", errors="replace") for record in answer]


def find_token(
    *, issuer_url: str, token: str, fetch=None, resolve_txt_records=None
) -> tuple[Found | None, list[str]]:
    """Where the token is published for the issuer's domain: the well-known file first,
    then DNS. (None, the reasons each failed) when it is in neither."""
    fetch = fetch or fetch_well_known
    resolve_txt_records = resolve_txt_records or resolve_txt
    domain = domain_of(issuer_url)
    if not domain:
        return None, ["The issuer's web address has no domain to check."]
    reasons = []
    url = well_known_url(issuer_url)
    try:
        text = fetch(url)
    except CheckFailed as error:
        reasons.append(str(error))
    else:
        if any(line.strip() == token for line in text.splitlines()):
            return Found("well_known", url), []
        reasons.append(f"{url} does not hold this issuer's current token.")
    name = dns_name(domain)
    try:
        records = resolve_txt_records(name)
    except CheckFailed as error:
        reasons.append(str(error))
    else:
        if any(record.strip() == dns_value(token) for record in records):
            return Found("dns", f"the TXT record of {name}"), []
        reasons.append(f"No TXT record of {name} holds this issuer's current token.")
    return None, reasons
