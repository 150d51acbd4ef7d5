"""Signing off several entries while the trainee recalls one of them, on a real database
with real row locks: the recalled entry is either signed off (and the recall refused) or
recalled (and reported by the batch), never signed off under a cancelled request; the rest
of the batch is signed off either way."""

import pytest
from django.db import connection

from portfolio import services
from portfolio.models import SignOff, SignOffRequest, Status
from tests.helpers import audit_intact
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


def test_a_recall_racing_a_batch_sign_off_is_one_or_the_other(
    log, submit, enrolled_trainee, supervisor
):
    assert connection.vendor == "postgresql"
    steady = submit(log(title="Steady"))
    contested = submit(log(title="Contested"))

    def work(i):
        if i == 0:
            return services.approve_batch(request_ids=[contested.pk, steady.pk], actor=supervisor)
        return services.recall_request(entry=contested.entry, actor=enrolled_trainee)

    batch, recall = run_at_once(2, work)

    assert not isinstance(batch, Exception), batch
    assert "Steady" in [entry.title for entry in batch.signed_off]
    contested.refresh_from_db()
    contested.entry.refresh_from_db()
    if isinstance(recall, services.TransitionNotAllowed):
        assert contested.outcome == SignOffRequest.Outcome.APPROVED
        assert contested.entry.status == Status.SIGNED_OFF
    else:
        assert recall is None, recall
        assert contested.outcome == SignOffRequest.Outcome.CANCELLED
        assert contested.entry.status == Status.DRAFT
        assert [entry.title for entry, _ in batch.refused] == ["Contested"]
        assert not SignOff.objects.filter(entry=contested.entry).exists()
    audit_intact()
