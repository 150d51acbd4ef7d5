"""On PostgreSQL the database itself guards the audit log: no TRUNCATE, heads that only move
forward onto real entries, checkpoints that cannot change, and chains that do not make
unrelated writers wait for each other."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from audit import services as audit
from audit.models import AuditEntry, AuditHead, Checkpoint

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


@pytest.fixture
def chain_of_three(log):
    for n in range(3):
        log(title=f"Entry {n}")
    return AuditHead.objects.get(length=3)


@pytest.mark.parametrize("table", ["audit_auditentry", "audit_audithead", "audit_checkpoint"])
def test_truncate_is_refused(chain_of_three, table):
    audit.sign_checkpoint()
    with (
        pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEntry.objects.count() == 3


def test_a_head_cannot_move_back(chain_of_three):
    second = AuditEntry.objects.get(chain=chain_of_three.chain, seq=2)
    with pytest.raises(DatabaseError, match="only moves forward"), transaction.atomic():
        AuditHead.objects.filter(pk=chain_of_three.pk).update(length=2, last_hash=second.hash)


def test_a_head_cannot_point_at_an_entry_that_is_not_there(chain_of_three):
    with pytest.raises(DatabaseError, match="must point at an entry"), transaction.atomic():
        AuditHead.objects.filter(pk=chain_of_three.pk).update(length=4, last_hash="f" * 64)
    with pytest.raises(DatabaseError, match="must point at an entry"), transaction.atomic():
        AuditHead.objects.create(chain="user:999", length=3, last_hash=chain_of_three.last_hash)


def test_a_head_cannot_be_deleted(chain_of_three):
    with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic():
        AuditHead.objects.filter(pk=chain_of_three.pk).delete()


def test_a_checkpoint_cannot_be_changed_or_deleted(chain_of_three):
    checkpoint = audit.sign_checkpoint()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Checkpoint.objects.filter(pk=checkpoint.pk).update(entries=2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Checkpoint.objects.filter(pk=checkpoint.pk).delete()


def set_lock_timeout():
    """Give up on any lock not granted at once (200 ms is an eternity for a free row)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '200ms'")


def test_writers_to_different_chains_do_not_wait_for_each_other(enrolled_trainee):
    """One transaction holds the lock on trainee A's chain; an append to trainee B's chain,
    in another connection that refuses to wait for any lock, still goes through."""
    holding, release = threading.Event(), threading.Event()

    def hold_chain_a():
        try:
            with transaction.atomic():
                audit.append(actor=None, action="hold", obj=enrolled_trainee, chain="user:a-holder")
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_chain_a)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        with transaction.atomic():
            set_lock_timeout()
            audit.append(actor=None, action="other", obj=enrolled_trainee, chain="user:b")
        # The same chain would wait: with the same lock timeout it gives up.
        with pytest.raises(DatabaseError, match="lock timeout"), transaction.atomic():
            set_lock_timeout()
            audit.append(actor=None, action="same", obj=enrolled_trainee, chain="user:a-holder")
    finally:
        release.set()
        holder.join(timeout=10)
    assert AuditHead.objects.get(chain="user:b").length == 1
    assert AuditHead.objects.get(chain="user:a-holder").length == 1
