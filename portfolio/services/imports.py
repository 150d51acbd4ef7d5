"""Restoring an entry that arrives from another Waymark in a portable archive, with its
evidence and the sign-off requests made there, which are kept as attested elsewhere.

The archive was checked as a whole before any entry is restored (exports.importer); this
writes one entry as it was, under the uid it had there, and refuses what the acting user may
not do. Curriculum items are whatever the archive named, found by framework slug, version and
code: a trainee's past curricula need not be those of their programmes here."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from audit import services as audit
from core.tasks import enqueue_after_commit
from curriculum.models import Item
from portfolio.content import content_hash
from portfolio.models import (
    AttestedSignOff,
    Evidence,
    LearningEntry,
    SignOffRequest,
    Source,
    Status,
)
from portfolio.services.entries import _tags, link_items
from portfolio.signals import send_portfolio_changed


@dataclass(frozen=True)
class RestoredEvidence:
    uid: UUID
    kind: str
    title: str
    original_name: str
    content_type: str
    url: str = ""
    content: bytes | None = None
    # The name to store the file under; only its extension is kept (see evidence_path).
    file_name: str = ""


@dataclass(frozen=True)
class AttestedRequest:
    """A sign-off request as the site that handled it attested it, and its outcome."""

    uid: UUID
    site: str
    supervisor_name: str
    supervisor_gmc_number: str
    requested_at: datetime
    outcome: str
    decided_at: datetime | None
    request_comment: str
    signed_at: datetime | None = None
    content_hash: str = ""
    hash_version: int | None = None
    comment: str = ""
    withdrawn_at: datetime | None = None
    withdrawal_reason: str = ""


def imported_status(requests: list[AttestedRequest]) -> str:
    """Signed off while a sign-off given elsewhere stands (so the entry is locked, as there);
    returned if the latest decision there was a return; otherwise a draft. A request still
    waiting elsewhere is not carried: no supervisor here was asked."""
    if any(r.outcome == "approved" and r.withdrawn_at is None for r in requests):
        return Status.SIGNED_OFF
    decided = sorted((r for r in requests if r.decided_at), key=lambda r: r.decided_at)
    if decided and decided[-1].outcome == SignOffRequest.Outcome.RETURNED:
        return Status.RETURNED
    return Status.DRAFT


@transaction.atomic
def restore_entry(
    *,
    actor,
    trainee,
    uid: UUID,
    fields: dict,
    tags: list[str],
    items: list[Item],
    evidence: list[RestoredEvidence],
    requests: list[AttestedRequest],
    saved_files: list | None = None,
) -> LearningEntry:
    """Write one imported entry. Evidence files go to private storage as they came (they
    were processed where they were uploaded); the names saved are appended to `saved_files`
    so that the caller can remove them should the transaction roll back. The trainee imports
    their own portfolio; an operator's command does so as the system (actor None)."""
    if actor is not None and actor.pk != trainee.pk:
        raise PermissionDenied("Only the trainee imports a portfolio into their own account.")
    requests = [r for r in requests if r.outcome != SignOffRequest.Outcome.OPEN]
    entry = LearningEntry(
        trainee=trainee, uid=uid, source=Source.IMPORT, status=imported_status(requests), **fields
    )
    entry.full_clean(exclude=["trainee", "tags", "items", "uid"], validate_constraints=False)
    entry.save()
    entry.tags.add(*_tags(tags))
    link_items(entry, items)
    for restored in evidence:
        _restore_evidence(entry, restored, saved_files if saved_files is not None else [])
    AttestedSignOff.objects.bulk_create(
        AttestedSignOff(entry=entry, trainee=trainee, **vars(r)) for r in requests
    )
    audit.append(
        actor=actor,
        action="import",
        obj=entry,
        payload={
            "content_sha256": content_hash(entry),
            "attested_sign_offs": sorted(str(r.uid) for r in requests),
        },
        chain=audit.user_chain(trainee.pk),
    )
    send_portfolio_changed(trainee_id=trainee.pk)
    return entry


def _restore_evidence(entry: LearningEntry, restored: RestoredEvidence, saved: list) -> None:
    evidence = Evidence(
        entry=entry,
        uid=restored.uid,
        kind=restored.kind,
        state=Evidence.State.READY,
        title=restored.title,
        original_name=restored.original_name,
        content_type=restored.content_type,
        url=restored.url,
    )
    if restored.kind == Evidence.Kind.FILE:
        evidence.size = len(restored.content)
        evidence.sha256 = hashlib.sha256(restored.content).hexdigest()
        # Through the storage API only: the private storage may be object storage.
        evidence.file.save(restored.file_name, ContentFile(restored.content), save=False)
        saved.append(evidence.file.name)
    evidence.save()
    if evidence.content_type.startswith("image/"):
        # Kept byte for byte (it was re-encoded where it was uploaded); only its thumbnail,
        # which the archive does not carry, is made again here.
        from portfolio.tasks import make_evidence_thumbnail

        enqueue_after_commit(make_evidence_thumbnail, evidence.pk)
