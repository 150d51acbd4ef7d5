"""Two workers given the same message at once (the task and the sweep) send it once: the
claim takes the row lock and a lease, and the second finds nothing due."""

import pytest
from django.utils import timezone

from integrations.webhooks import services as webhooks
from integrations.webhooks.models import Delivery
from tests.integrations.webhook_receiver import Receiver
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


def test_a_message_due_to_two_workers_is_sent_once(log, enrolled_trainee):
    receiver = Receiver()
    try:
        webhooks.create_subscription(
            actor=enrolled_trainee, url=receiver.url, events=["entry.created"]
        )
        log()  # delivered at once, on commit
        delivery = Delivery.objects.get()
        # Due again, as if a worker was lost: the task and the sweep both pick it up.
        delivery.attempt_log.all().delete()
        Delivery.objects.update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        receiver.received.clear()

        results = run_at_once(2, lambda i: webhooks.deliver(delivery_id=delivery.pk))

        assert sorted(results, key=str) == [None, True]
        assert len(receiver.received) == 1
        assert delivery.attempt_log.count() == 1
    finally:
        receiver.close()
