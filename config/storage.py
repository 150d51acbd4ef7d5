"""Where uploaded files live: local disk (the default), or S3-compatible object storage.

Once Waymark runs on more than one machine, a file one process stored must be readable by
every other, so uploads (evidence, thumbnails, badge and issuer images, exports) go to a
bucket. It is configured in one of two ways:

    STORAGE_URL=s3://BUCKET[/PREFIX][?endpoint_url=URL&region=REGION&addressing_style=STYLE]

or the variables other tools know: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and
AWS_S3_REGION_NAME. Credentials never go in the URL, where logs and process listings show
it: they come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or, with neither set, from
boto3's usual chain (an instance or task role, say).

Every object is written with a private ACL, whatever the bucket's defaults: evidence and
exports are served only through Waymark's access-checked views, and badge images through
Waymark's public badge views, never straight from the bucket. A configuration that does not
parse stops Waymark at startup rather than losing uploads to the wrong place.
"""

import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
QUERY_OPTIONS = {"endpoint_url", "region", "addressing_style"}
ADDRESSING_STYLES = {"auto", "path", "virtual"}
# S3's bucket naming rules, which S3-compatible servers share.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
PREFIX = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")
# Waymark streams files itself and never hands out an object's URL; should anything sign
# one, it stops working within minutes.
SIGNED_URL_SECONDS = 300
# Files read from the bucket are held in memory up to this size, then in a temporary file,
# so serving a 50 MB video does not cost a web process 50 MB.
MEMORY_BYTES = 5 * 1024 * 1024

FORMAT = (
    "s3://BUCKET[/PREFIX][?endpoint_url=https://…&region=…&addressing_style=path], "
    "with credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)


def object_storages(environ: Mapping[str, str]) -> dict[str, dict]:
    """STORAGES entries ("default" and "private") for the bucket the environment names, or
    an empty dict when it names none. Raises ImproperlyConfigured for anything malformed."""
    url = environ.get("STORAGE_URL", "").strip()
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if url:
        # One place to look: STORAGE_URL beside AWS_S3_* variables would leave a reader
        # guessing which one wins.
        mixed = [
            name
            for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME")
            if environ.get(name, "").strip()
        ]
        if mixed:
            raise ImproperlyConfigured(
                f"STORAGE_URL is set, and so is {', '.join(mixed)}: set one or the other."
            )
        location = _parse_storage_url(url)
    elif bucket:
        location = {
            "bucket_name": _bucket_name(bucket, "AWS_STORAGE_BUCKET_NAME"),
            "prefix": "",
            "endpoint_url": _endpoint_url(
                environ.get("AWS_S3_ENDPOINT_URL", "").strip(), "AWS_S3_ENDPOINT_URL"
            ),
            "region_name": environ.get("AWS_S3_REGION_NAME", "").strip() or None,
            "addressing_style": None,
        }
    else:
        return {}
    options = _common_options(location, _credentials(environ))
    prefix = location["prefix"]
    return {
        # Badge and issuer images, served by Waymark's public badge views.
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**options, "location": f"{prefix}media"},
        },
        # Evidence and exports, served only by views that check access.
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {**options, "location": f"{prefix}private"},
        },
    }


def _parse_storage_url(url: str) -> dict:
    def refuse(problem: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"STORAGE_URL {problem}. It takes the form {FORMAT}.")

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse("is not a URL") from None
    if parts.scheme != "s3":
        raise refuse(f"must start with s3://, not {parts.scheme or 'nothing'}")
    if parts.username or parts.password or port:
        raise refuse("must not carry credentials or a port")
    if parts.fragment:
        raise refuse("must not have a #fragment")
    prefix = parts.path.strip("/")
    if prefix and not PREFIX.fullmatch(prefix):
        raise refuse(f"has a prefix, {prefix!r}, with characters other than A-Z a-z 0-9 . _ - /")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - QUERY_OPTIONS)
    if unknown:
        raise refuse(f"has options Waymark does not know: {', '.join(unknown)}")
    repeated = sorted(name for name, values in query.items() if len(values) > 1)
    if repeated:
        raise refuse(f"gives {', '.join(repeated)} more than once")
    option = {name: values[0].strip() for name, values in query.items()}
    style = option.get("addressing_style") or None
    if style is not None and style not in ADDRESSING_STYLES:
        raise refuse(f"has addressing_style={style}; it must be one of auto, path, virtual")
    return {
        # The host as written: urlsplit's hostname would quietly lower-case "MyBucket".
        "bucket_name": _bucket_name(parts.netloc, "STORAGE_URL"),
        "prefix": f"{prefix}/" if prefix else "",
        "endpoint_url": _endpoint_url(option.get("endpoint_url", ""), "STORAGE_URL"),
        "region_name": option.get("region") or None,
        "addressing_style": style,
    }


def _bucket_name(name: str, variable: str) -> str:
    if not BUCKET_NAME.fullmatch(name) or ".." in name:
        raise ImproperlyConfigured(
            f"{variable} names the bucket {name!r}, which is not a valid bucket name: 3 to 63 "
            "lower-case letters, digits, dots and hyphens, starting and ending with a letter "
            "or digit."
        )
    return name


def _endpoint_url(url: str, variable: str) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{variable} gives the endpoint {url!r}; it must be an http:// or https:// "
            "address such as https://s3.eu-west-2.amazonaws.com."
        )
    return url


def _credentials(environ: Mapping[str, str]) -> dict:
    key_id = environ.get("AWS_ACCESS_KEY_ID", "").strip()
    secret = environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use the "
            "machine's role)."
        )
    return {"access_key": key_id, "secret_key": secret} if key_id else {}


def _common_options(location: dict, credentials: dict) -> dict:
    options = {
        "bucket_name": location["bucket_name"],
        "default_acl": "private",
        # Were an object URL ever generated, it would be signed and short-lived, never a
        # bare address that works for anyone who has it.
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        # Names are random already; this keeps a clash from replacing someone's file.
        "file_overwrite": False,
        "max_memory_size": MEMORY_BYTES,
        **credentials,
    }
    for name in ("endpoint_url", "region_name", "addressing_style"):
        if location[name]:
            options[name] = location[name]
    return options
