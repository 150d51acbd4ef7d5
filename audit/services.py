"""Writing to the audit log. Every service that changes something that matters calls
`append` inside its own transaction."""

import json

from django.db import transaction
from django.utils import timezone

from audit.chain import GENESIS, entry_hash
from audit.models import AuditEntry, AuditHead
from core.hashing import canonical_json


def append(*, actor, action: str, obj, payload: dict | None = None) -> AuditEntry:
    """Append one entry. Must run inside the transaction that made the change, so the log
    and the change commit or roll back together."""
    assert transaction.get_connection().in_atomic_block, "audit.append needs a transaction"
    payload = payload or {}
    # The head row is locked until commit: concurrent appenders wait their turn here.
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    at = timezone.now()
    fields = {
        "actor_id": actor.pk if actor else None,
        "action": action,
        "object_type": obj._meta.model_name,
        "object_id": str(obj.pk),
        "at": at,
        "payload": json.loads(canonical_json(payload)),
    }
    digest = entry_hash(prev_hash=head.last_hash, **fields)
    entry = AuditEntry.objects.create(prev_hash=head.last_hash, hash=digest, **fields)
    head.last_hash, head.length = digest, head.length + 1
    head.save(update_fields=["last_hash", "length"])
    return entry
