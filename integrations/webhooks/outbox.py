"""Turning the lower apps' domain events into outbox rows, one per subscription that may
hear of them, in the transaction that made the change; each is published for delivery
once that transaction commits.

Who hears of what, strictly:
- A person's subscription hears of their own portfolio alone: their entries, their awards,
  their exports. Not their supervisees' (a supervisor reads those on Waymark, under a
  supervision that may end; a standing feed to another system is not part of that).
- An organisation's subscription hears only what the organisation's admins already see on
  their own pages: sign-offs given under its supervisions (which they may withdraw) and
  awards of its own badge classes (which they may revoke). Never a trainee's drafts, edits,
  requests or exports, which are the trainee's.
Payloads carry ids and API URLs, never content: the receiver reads what it may through the
API, with its own token, so the API's own access rules still decide."""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Supervision
from badges.models import Issuer
from core.site import absolute_url
from core.tasks import enqueue_after_commit
from integrations.webhooks import sending
from integrations.webhooks.models import ORGANISATION_EVENTS, Delivery, Subscription


def _api_url(name: str, pk: int) -> str:
    return absolute_url(reverse(f"api:{name}", args=[pk]))


def record(
    *, event: str, trainee_id: int, organisations: Q | None, data: Callable[[], dict]
) -> list[Delivery]:
    """Write one outbox row for each enabled subscription that asked for `event` and may
    hear of it: the trainee's own, and those of the organisations `organisations` (a
    condition on Subscription) selects. `data` makes the message's data, only when someone
    will hear it: most changes have no subscriber, and building URLs loads the URLconf."""
    whose = Q(owner_id=trainee_id)
    if organisations is not None and event in ORGANISATION_EVENTS:
        whose |= Q(organisation__isnull=False) & organisations
    # Filtered by event here rather than in SQL: SQLite cannot look inside a JSON list, and a
    # person or organisation has a handful of subscriptions at most.
    subscriptions = [s for s in Subscription.objects.enabled().filter(whose) if event in s.events]
    if not subscriptions:
        return []
    now = timezone.now()
    body = {"type": event, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data()}
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            subscription=subscription,
            message_id=sending.new_message_id(),
            event=event,
            payload=body,
            created_at=now,
            next_attempt_at=now,
        )
        for subscription in subscriptions
    )
    from integrations.tasks import deliver_webhook

    for delivery in deliveries:
        enqueue_after_commit(deliver_webhook, delivery.pk)
    return deliveries


def on_entry_event(sender, *, entry, event: str, actor, **kwargs) -> None:
    organisations = None
    if event == "signed_off" and actor is not None:
        # The organisations under whose supervision the sign-off was given, as their
        # admins' sign-offs page lists it.
        organisations = Exists(
            Supervision.objects.filter(
                organisation=OuterRef("organisation"), supervisor=actor, trainee=entry.trainee_id
            )
        )
    record(
        event=f"entry.{event}",
        trainee_id=entry.trainee_id,
        organisations=organisations,
        data=lambda: {
            "entry": {"id": entry.pk, "url": _api_url("entry-detail", entry.pk)},
            "trainee": {"id": entry.trainee_id},
        },
    )


def on_award_event(sender, *, award, event: str, **kwargs) -> None:
    # The organisation that issues the badge class.
    issuing = Exists(
        Issuer.objects.filter(
            organisation=OuterRef("organisation"), badge_classes=award.badge_class_id
        )
    )
    record(
        event=f"award.{event}",
        trainee_id=award.recipient_id,
        organisations=issuing,
        data=lambda: {
            "award": {"id": award.pk, "url": _api_url("award-detail", award.pk)},
            "badge_class": {
                "id": award.badge_class_id,
                "url": _api_url("badge-class-detail", award.badge_class_id),
            },
            "recipient": {"id": award.recipient_id},
        },
    )


def on_export_ready(sender, *, export, **kwargs) -> None:
    record(
        event="export.ready",
        trainee_id=export.owner_id,
        organisations=None,
        data=lambda: {
            "export": {"id": export.pk, "url": _api_url("export-detail", export.pk)},
            "download_url": _api_url("export-download", export.pk),
            "owner": {"id": export.owner_id},
        },
    )
