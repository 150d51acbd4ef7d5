"""The official 1EdTech Open Badges 2.0 validator (PyPI `openbadges`), made to run here.

Installed by `make test` with --no-deps beside requirements-ob-validator.txt. Two gaps
are filled, and only those:

* JSON-LD contexts: the validator fetches https://w3id.org/openbadges/v2 on every run.
  This machine has no internet, so that one URL is answered from the copy of the context
  the validator itself ships; every other context still fails, as it would offline.
* Hosted revocation: openbadges 1.1.2 ignores both HTTP 410 and "revoked": true, so the
  wrapper re-reads the assertion and reports a revocation as an error.
"""

import json
import warnings

import pytest
import requests

openbadges_verifier = pytest.importorskip(
    "openbadges.verifier",
    reason="the Open Badges validator is not installed (make test installs it)",
)

from openbadges.verifier import verifier as ob_verifier  # noqa: E402
from openbadges.verifier.openbadges_context import (  # noqa: E402
    OPENBADGES_CONTEXT_V2_DICT,
    OPENBADGES_CONTEXT_V2_URI,
)
from openbadges.verifier.utils import CachableDocumentLoader  # noqa: E402
from pyld.jsonld import JsonLdError  # noqa: E402

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
        raise JsonLdError(
            "No network here: unknown JSON-LD context.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )


# verify() builds its loader by this name on every call; there is no option to pass one.
ob_verifier.CachableDocumentLoader = OfflineContextLoader


def validate(badge_input, *, email: str) -> dict:
    """The validator's report, always checked against the recipient's email (without one
    the validator skips the recipient check), plus the hosted revocation check."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        result = ob_verifier.verify(
            badge_input, recipient_profile={"email": email}, use_cache=False
        )
    report = result["report"]
    subject = report.get("validationSubject") or ""
    report["revoked"] = False
    if subject.startswith(("http://", "https://")):
        response = requests.get(subject, headers={"Accept": "application/ld+json"}, timeout=10)
        body = response.json() if response.headers.get("Content-Type", "").endswith("json") else {}
        if response.status_code == 410 or body.get("revoked") is True:
            report["revoked"] = True
            report["valid"] = False
            report["messages"].insert(
                0,
                {
                    "name": "VERIFY_HOSTED_ASSERTION_NOT_REVOKED",
                    "messageLevel": "ERROR",
                    "success": False,
                    "result": f"Assertion {subject} has been revoked: "
                    f"{body.get('revocationReason', '')}",
                },
            )
    return report


def errors(report) -> list[str]:
    return [m["result"] for m in report["messages"] if m["messageLevel"] == "ERROR"]
