"""Saves ask for an evaluation of the trainee's awards; a burst of saves asks for a few
evaluations, not one each, and a change that lands while an evaluation runs is never lost."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F

from badges.models import PendingEvaluation
from badges.services import awarding

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(awarding, "enqueue_after_commit", lambda task, *args: calls.append(args))
    return calls


def test_a_burst_of_changes_asks_for_one_evaluation(trainee, enqueued):
    with transaction.atomic():
        for _ in range(5):
            awarding.request_evaluation(trainee_id=trainee.pk)
    assert enqueued == [(trainee.pk,)]
    assert PendingEvaluation.objects.filter(trainee=trainee).count() == 1


def test_a_change_during_an_evaluation_asks_for_another(trainee, enqueued, monkeypatch):
    awarding.request_evaluation(trainee_id=trainee.pk)
    enqueued.clear()

    def evaluate_while_a_save_lands(*, trainee):
        # A save in another request, after this evaluation started: it finds the pending
        # row and, rightly, asks for no task of its own.
        awarding.request_evaluation(trainee_id=trainee.pk)
        # Later than the evaluation's start whatever the clock's resolution.
        PendingEvaluation.objects.filter(trainee=trainee).update(
            requested_at=F("requested_at") + timedelta(seconds=1)
        )
        return []

    monkeypatch.setattr(awarding, "evaluate_awards", evaluate_while_a_save_lands)
    awarding.run_evaluation(trainee_id=trainee.pk)

    assert enqueued == [(trainee.pk,)]
    assert PendingEvaluation.objects.filter(trainee=trainee).exists()


def test_an_evaluation_with_no_change_meanwhile_clears_the_request(trainee, enqueued):
    awarding.request_evaluation(trainee_id=trainee.pk)
    enqueued.clear()
    awarding.run_evaluation(trainee_id=trainee.pk)
    assert enqueued == []
    assert not PendingEvaluation.objects.filter(trainee=trainee).exists()
