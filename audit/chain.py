"""The audit log's hash chain: how an entry is hashed, and how the whole chain is verified.

Each entry's hash is SHA-256 over the previous entry's hash and the canonical JSON of the
entry itself, so changing, inserting or removing any entry breaks every link after it.
Payloads carry identifiers and content hashes, never reflection text.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from audit.models import AuditEntry, AuditHead
from core.hashing import canonical_json, sha256

GENESIS = "0" * 64


def entry_hash(*, prev_hash, actor_id, action, object_type, object_id, at, payload) -> str:
    body = canonical_json(
        {
            "actor": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            # Microseconds in UTC, as stored, so the hash survives a round trip.
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "payload": payload,
        }
    )
    return sha256(prev_hash + body)


@dataclass
class Break:
    entry_id: int
    problem: str


def verify_chain(batch_size: int = 2000) -> tuple[int, Break | None]:
    """Walk the chain from the start. Returns how many entries verified and the first break."""
    previous = GENESIS
    verified = 0
    for entry in _entries(batch_size):
        if entry.prev_hash != previous:
            return verified, Break(entry.pk, "its link to the previous entry does not match")
        expected = entry_hash(
            prev_hash=entry.prev_hash,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            at=entry.at,
            payload=entry.payload,
        )
        if entry.hash != expected:
            return verified, Break(entry.pk, "its contents do not match its hash")
        previous = entry.hash
        verified += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head and (head.last_hash != previous or head.length != verified):
        return verified, Break(0, "entries are missing from the end of the chain")
    return verified, None


def _entries(batch_size: int) -> Iterator[AuditEntry]:
    last_pk = 0
    while True:
        batch = list(AuditEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return
        yield from batch
        last_pk = batch[-1].pk
