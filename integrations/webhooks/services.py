"""Writes for webhook subscriptions: creating, deleting, rotating the secret, enabling
again; and delivering a message, retrying it with backoff, redelivering it by hand, and
disabling a subscription that keeps failing."""

import ipaddress
import json
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.selectors import is_admin_of
from audit import services as audit
from core.addresses import AddressRefused, checked_address
from core.errors import StateConflict
from core.tasks import enqueue_after_commit
from core.validators import validate_web_address
from integrations.webhooks import sending
from integrations.webhooks.models import (
    EVENTS,
    ORGANISATION_EVENTS,
    Delivery,
    DeliveryAttempt,
    Subscription,
)

# The wait before each retry (the Standard Webhooks reference schedule): eight attempts in
# all over about 31 hours, so a receiver that is down for a day still gets every message.
RETRY_DELAYS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# An attempt under way longer than this was lost with its worker; the sweep tries again.
ATTEMPT_LEASE = timedelta(minutes=2)
# After a rotation the old secret signs beside the new one for this long.
PREVIOUS_SECRET_LASTS = timedelta(hours=24)
DISABLED_REASON = (
    "Every attempt to deliver a message failed for {hours} hours, with no successful "
    "delivery in that time."
)


def _chain(subscription: Subscription) -> str:
    if subscription.organisation_id:
        return audit.organisation_chain(subscription.organisation_id)
    return audit.user_chain(subscription.owner_id)


def refuse_unless_manager(actor, subscription: Subscription) -> None:
    if subscription.organisation_id:
        if not is_admin_of(actor, subscription.organisation_id):
            raise PermissionDenied("Only the organisation's admins manage its webhooks.")
    elif actor is None or actor.pk != subscription.owner_id:
        raise PermissionDenied("Only the person who subscribed manages this webhook.")


def _check_events(events, organisation) -> list[str]:
    events = list(dict.fromkeys(events or []))
    if not events:
        raise ValidationError({"events": "Choose at least one event."})
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise ValidationError({"events": f"Unknown events: {', '.join(unknown)}."})
    if organisation is not None:
        closed = [e for e in events if e not in ORGANISATION_EVENTS]
        if closed:
            raise ValidationError(
                {
                    "events": "An organisation's webhooks hear only of "
                    f"{', '.join(ORGANISATION_EVENTS)}; not of {', '.join(closed)}, "
                    "which are the trainee's own."
                }
            )
    return events


def _check_url(url: str) -> None:
    """Refuse at once what can never be delivered to: a malformed URL, or an address given
    literally (or `localhost`) that is not allowed. A name is resolved and checked again at
    every delivery, since what it resolves to can change."""
    validate_web_address(url)
    try:
        _scheme, host, port = sending.check_url(url)
        if host == "localhost" or _is_ip_literal(host):
            checked_address(host, port, allow_private=sending.allow_private())
    except AddressRefused as error:
        raise ValidationError(str(error)) from error


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@transaction.atomic
def create_subscription(
    *, actor: User, url: str, events, organisation: Organisation | None = None
) -> tuple[Subscription, str]:
    """Subscribe `url` to `events`: for the actor's own portfolio, or for an organisation
    the actor administers. Returns the subscription and its signing secret, which is shown
    this once."""
    if organisation is not None and not is_admin_of(actor, organisation):
        raise PermissionDenied("Only the organisation's admins add its webhooks.")
    try:
        _check_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error
    events = _check_events(events, organisation)
    secret = sending.new_secret()
    subscription = Subscription.objects.create(
        owner=None if organisation else actor,
        organisation=organisation,
        created_by=actor,
        url=url,
        events=events,
        secret_encrypted=sending.encrypt(secret),
    )
    audit.append(
        actor=actor,
        action="webhook.subscribe",
        obj=subscription,
        payload={"url": url, "events": events},
        chain=_chain(subscription),
    )
    return subscription, secret


@transaction.atomic
def delete_subscription(*, subscription: Subscription, actor: User) -> None:
    refuse_unless_manager(actor, subscription)
    audit.append(
        actor=actor,
        action="webhook.unsubscribe",
        obj=subscription,
        payload={"url": subscription.url},
        chain=_chain(subscription),
    )
    subscription.delete()


@transaction.atomic
def rotate_secret(*, subscription: Subscription, actor: User, now=None) -> str:
    """A new signing secret, shown this once. The old one keeps signing beside it for a day
    (each message carries both signatures), so the receiver can switch without a gap."""
    refuse_unless_manager(actor, subscription)
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    secret = sending.new_secret()
    subscription.previous_secret_encrypted = subscription.secret_encrypted
    subscription.previous_secret_expires_at = now + PREVIOUS_SECRET_LASTS
    subscription.secret_encrypted = sending.encrypt(secret)
    subscription.save(
        update_fields=[
            "secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at",
        ]
    )  # fmt: skip
    audit.append(actor=actor, action="webhook.rotate_secret", obj=subscription,
                 chain=_chain(subscription))  # fmt: skip
    return secret


@transaction.atomic
def enable_subscription(*, subscription: Subscription, actor: User) -> Subscription:
    """Turn a disabled subscription back on; messages from now on are delivered again."""
    refuse_unless_manager(actor, subscription)
    subscription.disabled_at, subscription.disabled_reason = None, ""
    subscription.failing_since = None
    subscription.save(update_fields=["disabled_at", "disabled_reason", "failing_since"])
    audit.append(actor=actor, action="webhook.enable", obj=subscription, chain=_chain(subscription))
    return subscription


@transaction.atomic
def redeliver(*, delivery: Delivery, actor: User) -> Delivery:
    """Send a message again, under its own webhook-id, with a fresh retry schedule."""
    subscription = delivery.subscription
    refuse_unless_manager(actor, subscription)
    if not subscription.is_enabled:
        raise StateConflict("This webhook is disabled. Enable it to send messages again.")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == Delivery.Status.PENDING:
        raise StateConflict("This message is still being delivered.")
    delivery.status, delivery.attempts = Delivery.Status.PENDING, 0
    delivery.first_attempted_at, delivery.next_attempt_at = None, timezone.now()
    delivery.save(update_fields=["status", "attempts", "first_attempted_at", "next_attempt_at"])
    from integrations.tasks import deliver_webhook

    enqueue_after_commit(deliver_webhook, delivery.pk)
    return delivery


# --- Delivery ----------------------------------------------------------------------------------


def signing_secrets(subscription: Subscription, now: datetime) -> list[str]:
    found = [sending.decrypt(subscription.secret_encrypted)]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret_encrypted and expires and expires > now:
        found.append(sending.decrypt(subscription.previous_secret_encrypted))
    return found


@transaction.atomic
def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Take a due delivery for one attempt. The lease makes it due again if this worker is
    lost; other workers skip it meanwhile (the row lock, then the lease)."""
    delivery = (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("subscription")
        .due(now)
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return None
    if not delivery.subscription.is_enabled:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        delivery.save(update_fields=["status", "next_attempt_at"])
        return None
    delivery.attempts += 1
    delivery.first_attempted_at = delivery.first_attempted_at or now
    delivery.next_attempt_at = now + ATTEMPT_LEASE
    delivery.save(update_fields=["attempts", "first_attempted_at", "next_attempt_at"])
    return delivery


def deliver(*, delivery_id: int, now: datetime | None = None, post=sending.post) -> bool | None:
    """Make one attempt at a due delivery and log it. Returns whether it was delivered, or
    None if it was not due (delivered already, or another worker has it). `now` is the
    attempt's time: the retry schedule is counted from it."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Waymark-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": sending.signature_header(
            secrets_=signing_secrets(subscription, now),
            message_id=delivery.message_id,
            timestamp=now,
            body=body,
        ),
    }
    outcome = post(subscription.url, body=body, headers=headers)
    _record(delivery, outcome, now)
    return outcome.succeeded


@transaction.atomic
def _record(delivery: Delivery, outcome: sending.Outcome, now: datetime) -> None:
    subscription = Subscription.objects.select_for_update().filter(pk=delivery.subscription_id)
    subscription = subscription.first()
    if subscription is None:
        return  # deleted while the message was on its way, and its log with it
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=DeliveryAttempt.objects.filter(delivery=delivery).count() + 1,
        attempted_at=now,
        status_code=outcome.status_code,
        response_ms=outcome.response_ms,
        error=outcome.error,
    )
    if outcome.succeeded:
        delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, now
        delivery.next_attempt_at = None
        if subscription.failing_since:
            subscription.failing_since = None
            subscription.save(update_fields=["failing_since"])
    else:
        if subscription.failing_since is None:
            subscription.failing_since = now
            subscription.save(update_fields=["failing_since"])
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
            _disable_if_failing(subscription, since=delivery.first_attempted_at, now=now)
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.save(update_fields=["status", "delivered_at", "next_attempt_at"])


def _disable_if_failing(subscription: Subscription, *, since: datetime, now: datetime) -> None:
    """The rule: a subscription is disabled when a message gives up (all its attempts, over
    about 31 hours, failed) and nothing was delivered to the subscription since that
    message's first attempt. One bad message among good ones disables nothing."""
    if not subscription.is_enabled or subscription.failing_since > since:
        return
    hours = round((now - since).total_seconds() / 3600)
    subscription.disabled_at = now
    subscription.disabled_reason = DISABLED_REASON.format(hours=hours)
    subscription.save(update_fields=["disabled_at", "disabled_reason"])
    audit.append(
        actor=None,
        action="webhook.disable",
        obj=subscription,
        payload={"reason": subscription.disabled_reason},
        chain=_chain(subscription),
    )
    from integrations.tasks import notify_webhook_disabled

    enqueue_after_commit(notify_webhook_disabled, subscription.pk)


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The sweep: every delivery due by `now` (retries, and messages a broker outage held
    back or a lost worker dropped). Returns how many were delivered."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(bool(deliver(delivery_id=pk, now=now)) for pk in due)
