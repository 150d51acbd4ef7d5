"""Runs tests/badges/ob3_verify.mjs, Digital Bazaar's verifier, on a credential: the
independent check that what Waymark signs is what the specifications say."""

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from badges.ob3 import contexts

SCRIPT = Path(__file__).with_name("ob3_verify.mjs")


def bundled_contexts() -> dict:
    return {url: contexts._bundled(url) for url in contexts.BUNDLED}


def published_documents(client, urls) -> dict:
    """Each URL's document as this site serves it, fetched through the test client."""
    return {url: client.get(urlsplit(url).path).json() for url in urls}


def verify_independently(credential, documents: dict, *, now: datetime | None = None) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is needed for the independent Open Badges 3.0 verifier")
    request = {
        "credential": credential,
        "documents": {**bundled_contexts(), **documents},
        "now": (now or timezone.now()).isoformat(),
    }
    finished = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SCRIPT.parent,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)
