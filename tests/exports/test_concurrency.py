"""A task delivered to two workers at once (a redelivery, a sweep racing the first task)
makes the export once: the claim takes a row lock, which only a real database shows."""

import pytest
from django.db import connection

from exports import services
from exports.filters import Chosen
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


def test_two_workers_taking_the_same_export_at_once_make_it_once(enrolled_trainee, monkeypatch):
    assert connection.vendor == "postgresql"
    # Recorded, not yet run: both workers below are the ones that run it.
    monkeypatch.setattr("exports.tasks.make_export.apply_async", lambda *a, **k: None)
    export = services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())
    written = []

    def writer(*, trainee, out, progress):
        written.append(1)
        out.write(b"%PDF")

    results = run_at_once(4, lambda i: services.make_export(export_id=export.pk, writer=writer))

    assert sum(r is not None for r in results) == 1, results
    assert written == [1]
    export.refresh_from_db()
    assert export.status == "done"
