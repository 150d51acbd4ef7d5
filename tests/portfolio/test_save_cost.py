"""Saving an entry costs a fixed, small number of queries, and what the audit log records of
it is what a later read of the entry hashes to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from portfolio import services
from portfolio.content import content_hash
from portfolio.models import LearningEntry

pytestmark = pytest.mark.django_db


def statements_to_commit(work) -> list[str]:
    """The statements a save sends, up to its commit (the award evaluation it asks for
    runs after, in a worker)."""
    with CaptureQueriesContext(connection) as queries:
        work()
    sql = [q["sql"] for q in queries.captured_queries]
    return sql[: next((i for i, s in enumerate(sql) if s.startswith("COMMIT")), len(sql))]


def saved(sent: list[str]) -> list[str]:
    return [s for s in sent if not s.startswith(("BEGIN", "SAVEPOINT", "RELEASE"))]


def test_saving_a_plain_entry_takes_six_statements(enrolled_trainee, log):
    log(title="Earlier")  # the trainee's chain and pending evaluation already exist
    sent = saved(statements_to_commit(lambda: log(title="Sepsis teaching")))
    # The entry; the audit head read, entry and head moved; the pending evaluation touched;
    # the webhook subscriptions that may hear of it read (their outbox rows, when any).
    # Nothing asks whether the new entry's random uid is taken.
    assert len(sent) <= 6, "\n".join(sent)
    assert not any(s.startswith("SELECT 1 AS") for s in sent), "\n".join(sent)


def test_editing_an_entry_validates_without_queries(enrolled_trainee, log):
    entry = log(title="Earlier")
    sent = saved(
        statements_to_commit(
            lambda: services.update_entry(entry=entry, actor=enrolled_trainee, title="Later")
        )
    )
    # The entry locked and written; its tags, items and evidence read for the content hash;
    # the audit head read, entry and head moved; the pending evaluation touched; the webhook
    # subscriptions read. No uniqueness or constraint checks: the database holds those.
    assert len(sent) <= 11, "\n".join(sent)
    assert not any(s.startswith("SELECT 1 AS") for s in sent), "\n".join(sent)


def test_tags_and_items_add_a_fixed_few(enrolled_trainee, log, fpcs):
    log(title="Earlier", tags=["sepsis"])
    plain = statements_to_commit(lambda: log(title="Plain"))
    tagged = statements_to_commit(
        lambda: log(
            title="Tagged",
            tags=["sepsis", "acute medicine", "new tag"],
            items=[fpcs["FPC1"], fpcs["FPC2"], fpcs["FPC3"]],
        )
    )
    # Items checked; tags read, the new one made and read; tag links; item links.
    assert len(tagged) - len(plain) <= 6, "\n".join(tagged)


def test_the_logged_hash_is_what_the_entry_reads_back_as(enrolled_trainee, log, fpcs):
    entry = log(title="Tagged", tags=["Sepsis", "acute"], items=[fpcs["FPC2"], fpcs["FPC1"]])
    logged = AuditEntry.objects.get(action="create", object_id=str(entry.pk))
    assert logged.payload["content_sha256"] == content_hash(LearningEntry.objects.get(pk=entry.pk))
