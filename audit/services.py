"""Writing to the audit log. Every service that changes something that matters calls
`append` inside its own transaction, naming the chain the change belongs to."""

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import chain as chains
from audit import keys
from audit.chain import GENESIS, SITE, entry_hash
from audit.models import AuditEntry, AuditHead, Checkpoint
from core.hashing import canonical_json

# The chain names callers use: `audit.append(..., chain=audit.user_chain(trainee_id))`.
user_chain = chains.user_chain
organisation_chain = chains.organisation_chain


def append(
    *, actor, action: str, obj, payload: dict | None = None, chain: str = SITE
) -> AuditEntry:
    """Append one entry to `chain`. Must run inside the transaction that made the change,
    so the log and the change commit or roll back together."""
    assert transaction.get_connection().in_atomic_block, "audit.append needs a transaction"
    head = _locked_head(chain)
    fields = {
        "actor_id": actor.pk if actor else None,
        "action": action,
        "object_type": obj._meta.model_name,
        "object_id": str(obj.pk),
        "at": timezone.now(),
        "payload": json.loads(canonical_json(payload or {})),
    }
    digest = entry_hash(prev_hash=head.last_hash, **fields)
    entry = AuditEntry.objects.create(
        chain=chain, seq=head.length + 1, prev_hash=head.last_hash, hash=digest, **fields
    )
    AuditHead.objects.filter(pk=head.pk).update(last_hash=digest, length=head.length + 1)
    return entry


def _locked_head(chain: str) -> AuditHead:
    """The chain's head, locked until commit: appenders to the same chain wait their turn
    here, and appenders to other chains do not wait at all."""
    head = AuditHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        # A new chain. Of two first appenders, one inserts; the other's insert is ignored
        # and it locks the row the first made, once that commits.
        AuditHead.objects.bulk_create(
            [AuditHead(chain=chain, last_hash=GENESIS, length=0)], ignore_conflicts=True
        )
        head = AuditHead.objects.select_for_update().get(chain=chain)
    return head


def sign_checkpoint() -> Checkpoint | None:
    """Sign a checkpoint of every chain's head, unless nothing was appended since the last
    one. Returns the new checkpoint, or None when there was nothing new to sign."""
    # One statement reads every head, so the checkpoint is one consistent moment.
    heads = {
        head.chain: [head.length, head.last_hash]
        for head in AuditHead.objects.filter(length__gt=0).order_by("chain")
    }
    if not heads:
        return None
    latest = Checkpoint.objects.order_by("-number").first()
    if latest and latest.heads == heads:
        return None
    checkpoint = Checkpoint(
        number=latest.number + 1 if latest else 1,
        at=timezone.now(),
        chains=len(heads),
        entries=sum(length for length, _ in heads.values()),
        root=chains.merkle_root(heads),
        previous=chains.statement_digest(latest) if latest else "",
        heads=heads,
        key_id=keys.current_public_key().key_id,
    )
    checkpoint.signature, _ = keys.sign(chains.statement_bytes(chains.statement(checkpoint)))
    try:
        with transaction.atomic():
            checkpoint.save()
    except IntegrityError:
        # Another process signed the same number first; its checkpoint stands.
        return None
    return checkpoint


def chain_record(chain: str) -> dict:
    """Everything needed to verify one chain away from Waymark: its entries, the latest
    signed checkpoint, and the proof that the checkpoint covers this chain. Goes inside a
    person's portfolio export; `audit.chain.verify_record` checks it."""
    entries = AuditEntry.objects.filter(chain=chain).order_by("seq")
    checkpoint = Checkpoint.objects.order_by("-number").first()
    return {
        "chain": chain,
        "entries": [
            {
                "seq": e.seq,
                "actor": e.actor_id,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "at": e.at.isoformat(timespec="microseconds"),
                "payload": e.payload,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in entries
        ],
        "checkpoint": chains.published(checkpoint) if checkpoint else None,
        "inclusion": chains.inclusion_proof(checkpoint, chain) if checkpoint else None,
    }
