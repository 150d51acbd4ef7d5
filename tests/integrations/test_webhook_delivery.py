"""Webhooks reach a real receiver on localhost, signed per Standard Webhooks, written to
the outbox with the change and retried under the same webhook-id until delivered."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integrations.webhooks import sending
from integrations.webhooks import services as webhooks
from integrations.webhooks.models import Delivery, Subscription
from portfolio import services as portfolio
from tests.integrations.webhook_receiver import Receiver

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def subscribe(receiver):
    def subscribe(actor, events, **kwargs):
        return webhooks.create_subscription(actor=actor, url=receiver.url, events=events, **kwargs)

    return subscribe


def test_a_supervisors_sign_off_reaches_the_receiver_signed(
    log, enrolled_trainee, supervisor, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(enrolled_trainee, ["entry.signed_off"])
    entry = log(title="Sepsis teaching")
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    assert receiver.received == []  # not subscribed to creation or submission

    with django_capture_on_commit_callbacks(execute=True):
        portfolio.approve(entry=entry, actor=supervisor, comment="Well done.")

    [message] = receiver.received
    # Standard Webhooks' own verification: the signature, the id and a fresh timestamp.
    payload = Webhook(secret).verify(message.body, message.headers)
    assert payload["type"] == "entry.signed_off"
    assert payload["data"]["entry"]["id"] == entry.pk
    assert payload["data"]["entry"]["url"].endswith(f"/api/v1/events/{entry.pk}/")
    assert payload["data"]["trainee"] == {"id": enrolled_trainee.pk}
    # Ids and links only: the entry's content stays behind the API.
    assert "Sepsis" not in message.body and "Well done" not in message.body
    delivery = Delivery.objects.get(subscription=subscription)
    assert message.headers["webhook-id"] == delivery.message_id
    assert delivery.status == Delivery.Status.DELIVERED
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 204 and attempt.response_ms is not None


def test_a_signature_made_with_another_secret_does_not_verify(
    log, enrolled_trainee, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscribe(enrolled_trainee, ["entry.created"])
    with django_capture_on_commit_callbacks(execute=True):
        log()
    [message] = receiver.received
    other, _ = subscribe(enrolled_trainee, ["award.issued"])
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.signing_secrets(other, START)[0]).verify(message.body, message.headers)


def test_the_outbox_row_is_written_with_the_change_and_goes_if_it_rolls_back(
    log, enrolled_trainee, subscribe, receiver
):
    subscription, _ = subscribe(enrolled_trainee, ["entry.created"])
    with pytest.raises(RuntimeError), transaction.atomic():
        log(title="Never saved")
        assert Delivery.objects.filter(subscription=subscription).count() == 1
        raise RuntimeError("the request failed after logging")
    assert not Delivery.objects.exists()
    assert receiver.received == []


def test_a_receiver_that_fails_twice_gets_the_same_webhook_id_three_times(
    log, enrolled_trainee, subscribe, receiver
):
    receiver.statuses = [500, 503]
    subscription, secret = subscribe(enrolled_trainee, ["entry.created"])
    # Outside a committed transaction nothing is published: the sweep delivers it, at the
    # times given, as beat would call it.
    entry = log()
    delivery = Delivery.objects.get(subscription=subscription)
    delivery.next_attempt_at = START
    delivery.save()

    assert webhooks.deliver_due(now=START) == 0
    assert webhooks.deliver_due(now=START + timedelta(seconds=4)) == 0  # not due yet
    assert len(receiver.received) == 1
    assert webhooks.deliver_due(now=START + timedelta(seconds=5)) == 0
    assert webhooks.deliver_due(now=START + timedelta(seconds=5, minutes=5)) == 1
    assert webhooks.deliver_due(now=START + timedelta(days=2)) == 0  # nothing left

    ids = {message.headers["webhook-id"] for message in receiver.received}
    assert ids == {delivery.message_id} and len(receiver.received) == 3
    bodies = {message.body for message in receiver.received}
    assert len(bodies) == 1 and json.loads(bodies.pop())["data"]["entry"]["id"] == entry.pk
    # Each attempt is signed at its own time.
    stamps = [int(message.headers["webhook-timestamp"]) for message in receiver.received]
    start = int(START.timestamp())
    assert stamps == [start, start + 5, start + 305]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED and delivery.attempts == 3
    log_ = [(a.number, a.status_code, a.error) for a in delivery.attempt_log.all()]
    assert log_ == [(1, 500, "Answered 500."), (2, 503, "Answered 503."), (3, 204, "")]
    subscription.refresh_from_db()
    assert subscription.failing_since is None and subscription.is_enabled


def test_retries_back_off_for_more_than_a_day():
    assert webhooks.MAX_ATTEMPTS >= 5
    assert sum(webhooks.RETRY_DELAYS, timedelta()) > timedelta(days=1)
    assert sorted(webhooks.RETRY_DELAYS) == webhooks.RETRY_DELAYS


def drive_until_given_up(delivery):
    """Call the sweep at each attempt's due time until the message gives up."""
    now = START
    for _ in range(webhooks.MAX_ATTEMPTS):
        delivery.refresh_from_db()
        if delivery.status != Delivery.Status.PENDING:
            break
        now = delivery.next_attempt_at
        webhooks.deliver_due(now=now)
    delivery.refresh_from_db()
    return now


def test_a_subscription_that_keeps_failing_is_disabled_and_its_owner_emailed(
    log, enrolled_trainee, subscribe, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500] * 20
    subscription, _ = subscribe(enrolled_trainee, ["entry.created", "entry.updated"])
    entry = log()
    delivery = Delivery.objects.get(subscription=subscription)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=START)

    with django_capture_on_commit_callbacks(execute=True):
        ended = drive_until_given_up(delivery)

    assert delivery.status == Delivery.Status.FAILED
    assert len(receiver.received) == webhooks.MAX_ATTEMPTS
    assert ended - START > timedelta(days=1)
    subscription.refresh_from_db()
    assert not subscription.is_enabled and "failed for 32 hours" in subscription.disabled_reason
    [email] = mail.outbox
    assert email.to == [enrolled_trainee.email] and subscription.url in email.subject
    # A disabled subscription gets no more messages until it is enabled again.
    portfolio.update_entry(entry=entry, actor=enrolled_trainee, title="Changed")
    assert Delivery.objects.filter(subscription=subscription).count() == 1


def test_one_failed_message_among_delivered_ones_disables_nothing(
    log, enrolled_trainee, subscribe, receiver
):
    receiver.statuses = [500] * webhooks.MAX_ATTEMPTS
    subscription, _ = subscribe(enrolled_trainee, ["entry.created"])
    log(title="first")
    first = Delivery.objects.get(subscription=subscription)
    Delivery.objects.filter(pk=first.pk).update(next_attempt_at=START)
    webhooks.deliver_due(now=START)  # fails
    log(title="second")
    second = Delivery.objects.exclude(pk=first.pk).get()
    receiver.statuses = [204]
    Delivery.objects.filter(pk=second.pk).update(next_attempt_at=START + timedelta(seconds=1))
    webhooks.deliver(delivery_id=second.pk, now=START + timedelta(seconds=1))
    receiver.statuses = [500] * webhooks.MAX_ATTEMPTS
    drive_until_given_up(first)
    assert first.status == Delivery.Status.FAILED
    subscription.refresh_from_db()
    assert subscription.is_enabled


def test_redelivery_sends_the_same_webhook_id_again(log, enrolled_trainee, subscribe, receiver):
    subscription, _ = subscribe(enrolled_trainee, ["entry.created"])
    log()
    delivery = Delivery.objects.get(subscription=subscription)
    webhooks.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    webhooks.redeliver(delivery=delivery, actor=enrolled_trainee)
    webhooks.deliver(delivery_id=delivery.pk)
    assert [m.headers["webhook-id"] for m in receiver.received] == [delivery.message_id] * 2
    assert delivery.attempt_log.count() == 2


def test_after_rotation_messages_carry_both_signatures_for_a_day(
    log, enrolled_trainee, subscribe, receiver
):
    subscription, old = subscribe(enrolled_trainee, ["entry.created"])
    new = webhooks.rotate_secret(subscription=subscription, actor=enrolled_trainee)
    assert new != old and new.startswith("whsec_")
    log()
    delivery = Delivery.objects.get()
    webhooks.deliver(delivery_id=delivery.pk)
    [message] = receiver.received
    assert len(message.headers["webhook-signature"].split()) == 2
    Webhook(old).verify(message.body, message.headers)
    Webhook(new).verify(message.body, message.headers)
    # A day later the old secret no longer signs.
    subscription.refresh_from_db()
    later = subscription.previous_secret_expires_at + timedelta(seconds=1)
    assert webhooks.signing_secrets(subscription, later) == [new]


def test_the_secret_is_stored_encrypted(enrolled_trainee, subscribe):
    subscription, secret = subscribe(enrolled_trainee, ["entry.created"])
    stored = Subscription.objects.get(pk=subscription.pk)
    assert secret not in stored.secret_encrypted and secret[6:] not in stored.secret_encrypted


def test_secrets_are_re_encrypted_under_a_new_key_and_still_sign(
    enrolled_trainee, subscribe, settings
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.BADGE_KEY_ENCRYPTION_KEYS = [old]
    subscription, secret = subscribe(enrolled_trainee, ["entry.created"])
    webhooks.rotate_secret(subscription=subscription, actor=enrolled_trainee, now=START)
    settings.BADGE_KEY_ENCRYPTION_KEYS = [new, old]

    call_command("reencrypt_webhook_secrets", stdout=StringIO())

    settings.BADGE_KEY_ENCRYPTION_KEYS = [new]  # the old key dropped
    subscription.refresh_from_db()
    current, previous = webhooks.signing_secrets(subscription, START)
    assert previous == secret and current.startswith("whsec_")


def test_a_webhook_deleted_while_a_message_is_on_its_way_is_left_alone(
    log, enrolled_trainee, subscribe
):
    subscription, _ = subscribe(enrolled_trainee, ["entry.created"])
    log()
    delivery = Delivery.objects.get()

    def receiver_answers_after_deletion(url, **kwargs):
        webhooks.delete_subscription(subscription=subscription, actor=enrolled_trainee)
        return sending.Outcome(204, 5, "")

    assert webhooks.deliver(delivery_id=delivery.pk, post=receiver_answers_after_deletion)
    assert not Delivery.objects.exists()
