"""Runs the official 1EdTech Open Badges 2.0 validator (PyPI `openbadges`) in its own
virtual environment (.venv-ob2, made by `make test`) and prints its report as JSON.

    .venv-ob2/bin/python tests/badges/ob_validator_process.py SOURCE EMAIL

SOURCE is a URL or the path of a baked PNG or SVG. This file is run by that environment's
Python, never imported by the suite: it needs PyLD 0.7, which Waymark's own PyLD replaces.

One gap is filled, and only that: the validator fetches https://w3id.org/openbadges/v2 on
every run. This machine has no internet, so that one URL is answered from the copy of the
context the validator itself ships. A context the site under test serves itself (the issuer
extension's, on the live server's loopback address) is fetched from it, as any validator
would; every other context still fails, as it would offline.
"""

import json
import sys
import warnings
from urllib.parse import urlsplit

from openbadges.verifier import verifier as ob_verifier
from openbadges.verifier.openbadges_context import (
    OPENBADGES_CONTEXT_V2_DICT,
    OPENBADGES_CONTEXT_V2_URI,
)
from openbadges.verifier.utils import CachableDocumentLoader, jsonld_use_cache
from pyld.jsonld import JsonLdError

LOCAL_CONTEXTS = {
    OPENBADGES_CONTEXT_V2_URI: OPENBADGES_CONTEXT_V2_DICT,
    "https://openbadgespec.org/v2/context.json": OPENBADGES_CONTEXT_V2_DICT,
}


class OfflineContextLoader(CachableDocumentLoader):
    def __call__(self, url):
        if url in LOCAL_CONTEXTS:
            return {
                "contextUrl": None,
                "documentUrl": url,
                "document": json.dumps(LOCAL_CONTEXTS[url]),
                "from_cache": True,
            }
        if urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            return super().__call__(url)
        raise JsonLdError(
            "No network here: unknown JSON-LD context.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )


# verify() builds its loader by this name on every call; there is no option to pass one.
ob_verifier.CachableDocumentLoader = OfflineContextLoader
# Checking an extension against its schema compacts with this module-wide default loader
# instead of the one built above (validate_single_extension is called without options).
jsonld_use_cache["documentLoader"] = OfflineContextLoader(use_cache=False)


def main(source: str, email: str) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        # Without an email the validator skips the recipient check, so one is always given.
        profile = {"email": email}
        if source.startswith(("http://", "https://")):
            result = ob_verifier.verify(source, recipient_profile=profile, use_cache=False)
        else:
            with open(source, "rb") as baked:
                result = ob_verifier.verify(baked, recipient_profile=profile, use_cache=False)
    json.dump(result["report"], sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
