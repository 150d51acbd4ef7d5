"""The audit log moved from portfolio to its own app: a database whose chain was written by
the portfolio app keeps every entry, unchanged, and the chain still verifies."""

from datetime import UTC, datetime, timedelta

from audit import chain
from audit import services as audit
from audit.models import AuditEntry, AuditHead
from tests.helpers import audit_intact

BEFORE = [("portfolio", "0002_append_only_triggers"), ("audit", None)]


def write_old_chain(old_apps, actor_id, length):
    """Entries as portfolio's audit log appended them, hashed the same way."""
    OldEntry = old_apps.get_model("portfolio", "AuditEntry")
    OldHead = old_apps.get_model("portfolio", "AuditHead")
    previous = chain.GENESIS
    start = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
    for n in range(length):
        fields = {
            "actor_id": actor_id,
            "action": "create" if n % 2 == 0 else "submit",
            "object_type": "learningevent",
            "object_id": str(100 + n),
            "at": start + timedelta(minutes=n, microseconds=n),
            "payload": {"title_sha256": f"{n:064d}", "items": [n, n + 1]},
        }
        digest = chain.entry_hash(prev_hash=previous, **fields)
        OldEntry.objects.create(prev_hash=previous, hash=digest, **fields)
        previous = digest
    OldHead.objects.create(pk=1, last_hash=previous, length=length)
    return list(OldEntry.objects.order_by("pk").values_list("pk", "hash", "prev_hash"))


def test_the_chain_survives_the_move_to_the_audit_app(migrator):
    old_apps = migrator(*BEFORE)
    actor = old_apps.get_model("accounts", "User").objects.create(email="fy1@example.org")
    before = write_old_chain(old_apps, actor.pk, length=5)

    migrator.to_latest()

    after = list(AuditEntry.objects.order_by("pk").values_list("pk", "hash", "prev_hash"))
    assert after == before
    assert audit_intact() == 5
    assert AuditHead.objects.get().length == 5


def test_appending_after_the_move_continues_the_same_chain(migrator, django_db_blocker):
    from django.db import transaction

    old_apps = migrator(*BEFORE)
    actor = old_apps.get_model("accounts", "User").objects.create(email="fy1@example.org")
    before = write_old_chain(old_apps, actor.pk, length=3)

    migrator.to_latest()

    with transaction.atomic():
        entry = audit.append(actor=None, action="check", obj=AuditHead.objects.get())
    # A new id after the copied ones (the identity sequence moved past them), linked to the
    # last copied entry.
    assert entry.pk > before[-1][0]
    assert entry.prev_hash == before[-1][1]
    assert audit_intact() == 4
