"""A provider retrying a statement while the first attempt is still in flight: whatever the
order, one statement is stored and one entry made, and other content under the same id is
a conflict."""

import pytest
from django.db import connection

from integrations.xapi import services
from integrations.xapi.models import Statement
from portfolio.models import LearningEntry
from tests.integrations.xapi.conftest import completion
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Concurrent inserts waiting on a unique index are PostgreSQL's.
    pytest.mark.needs_postgresql,
]


def test_the_same_statement_sent_at_once_is_stored_once(connected_trainee, provider):
    assert connection.vendor == "postgresql"
    statement = completion()

    results = run_at_once(
        4, lambda i: services.record_statements(provider=provider, received=[statement])
    )

    assert results == [[statement["id"]]] * 4
    assert Statement.objects.count() == 1
    assert LearningEntry.objects.get().external_id == statement["id"]


def test_other_content_under_the_same_id_at_once_is_a_conflict(connected_trainee, provider):
    first = completion()
    second = {**first, "result": {"completion": True, "duration": "PT3H"}}

    results = run_at_once(
        2, lambda i: services.record_statements(provider=provider, received=[(first, second)[i]])
    )

    assert sum(isinstance(r, services.StatementConflict) for r in results) == 1
    assert sum(r == [first["id"]] for r in results) == 1
    assert Statement.objects.count() == 1
    assert LearningEntry.objects.count() == 1
