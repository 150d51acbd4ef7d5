"""The portable archive: everything a trainee owns, in a ZIP another Waymark imports.

In a fixed order: portfolio.json; evidence/<uid>.<ext> for every evidence file;
badges/<uid>.json and badges/<uid>.png (the Open Badges 2.0 assertion and the baked
image) and badges/<uid>.credential.json and .credential.jwt (its Open Badges 3.0
credential, in both forms) for every badge; audit/checkpoint.json (the latest signed
checkpoint of the whole log) and audit/chain.json (the trainee's own audit chain with its
proof of inclusion in that checkpoint); and last manifest.json, the SHA-256 of every other
file. Every entry carries the same fixed timestamp, so the same portfolio gives the same ZIP.
"""

import hashlib
import json
import zipfile
from collections.abc import Callable
from typing import BinaryIO

from audit import chain as audit_chain
from audit.models import Checkpoint
from audit.services import chain_record, user_chain
from exports.document import ArchiveFile, portfolio_of

ARCHIVE_FORMAT = "waymark-archive/1"
MANIFEST = "manifest.json"
PORTFOLIO = "portfolio.json"
# ZIP cannot say earlier than 1980; the content's own dates are in portfolio.json.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1024 * 1024


def json_bytes(data) -> bytes:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False).encode()


def write_archive(*, trainee, out: BinaryIO, progress: Callable[[int, str], None]) -> None:
    progress(0, "Reading the portfolio")
    portfolio = portfolio_of(trainee)
    checkpoint = Checkpoint.objects.order_by("-number").first()
    files = [
        ArchiveFile(PORTFOLIO, lambda: json_bytes(portfolio.document)),
        *portfolio.files,
        ArchiveFile(
            "audit/checkpoint.json",
            lambda: json_bytes(audit_chain.published(checkpoint) if checkpoint else None),
        ),
        ArchiveFile("audit/chain.json", lambda: json_bytes(chain_record(user_chain(trainee.pk)))),
    ]
    digests = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, file in enumerate(files):
            progress(5 + 90 * done // len(files), _doing(file.path))
            digests[file.path] = _write(archive, file)
        manifest = {"format": ARCHIVE_FORMAT, "files": dict(sorted(digests.items()))}
        archive.writestr(_info(MANIFEST), json_bytes(manifest))
    progress(100, "Archive ready")


def _doing(path: str) -> str:
    if path.startswith("evidence/"):
        return "Adding evidence files"
    if path.startswith("badges/"):
        return "Adding badges"
    if path.startswith("audit/"):
        return "Adding the audit record"
    return "Writing the portfolio"


def _info(path: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    # A regular file, read and write for its owner: never a link or anything executable.
    info.external_attr = 0o100644 << 16
    return info


def _write(archive: zipfile.ZipFile, file: ArchiveFile) -> str:
    """Write one file, in chunks when it comes from storage, and return its SHA-256."""
    digest = hashlib.sha256()
    content = file.read()
    with archive.open(_info(file.path), "w", force_zip64=True) as target:
        if isinstance(content, bytes):
            digest.update(content)
            target.write(content)
        else:
            with content as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
    return digest.hexdigest()
