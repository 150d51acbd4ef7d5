"""Races that only a real database with real row locks can show: approvals at the same
moment, and concurrent writers to the audit chain."""

import threading

import pytest
from django.db import connection, connections

from audit.models import AuditEntry
from portfolio import services
from portfolio.models import SignOff
from tests.helpers import audit_intact

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Row locks and append-only triggers are PostgreSQL's.
    pytest.mark.needs_postgresql,
]


def run_at_once(count, work):
    """Start `count` threads together; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # the outcome under test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_approvals_at_the_same_moment_make_one_sign_off(log, enrolled_trainee, supervisor):
    assert connection.vendor == "postgresql"
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)

    results = run_at_once(
        2, lambda i: services.approve(entry=entry, actor=supervisor, comment=f"click {i}")
    )

    assert sum(isinstance(r, SignOff) for r in results) == 1
    assert sum(isinstance(r, services.TransitionNotAllowed) for r in results) == 1
    assert SignOff.objects.filter(entry=entry).count() == 1


def test_concurrent_writers_cannot_fork_the_audit_chain(log, enrolled_trainee):
    entries = [log(title=f"Entry {i}") for i in range(8)]
    before = AuditEntry.objects.count()

    results = run_at_once(
        8,
        lambda i: services.update_entry(
            entry=entries[i], actor=enrolled_trainee, title=f"Renamed {i}"
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert AuditEntry.objects.count() == before + 8
    assert audit_intact() == before + 8


def test_the_database_refuses_to_change_or_delete_a_sign_off(log, enrolled_trainee, supervisor):
    from django.db import DatabaseError, transaction

    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    sign_off = services.approve(entry=entry, actor=supervisor)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SignOff.objects.filter(pk=sign_off.pk).update(content_hash="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=AuditEntry.objects.first().pk).delete()
    assert SignOff.objects.get(pk=sign_off.pk).content_hash == sign_off.content_hash
