"""One spelling for one value, and its SHA-256: what the audit chain and the content hashes
of signed-off entries are computed over. Changing either invalidates every stored hash."""

import hashlib
import json


def canonical_json(data) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=str,
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
