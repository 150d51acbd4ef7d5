"""Telling the owner their export is ready. Each export records when they were told, so a
task run twice tells once and a sweep tells what a broker outage held back."""

from datetime import timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.site import absolute_url
from exports.models import Export
from notifications.models import Kind
from notifications.services import notify

# A notification younger than this may still be on its way through the broker.
UNSENT_GRACE = timedelta(minutes=2)


@transaction.atomic
def send_export_ready(*, export_id: int) -> bool:
    export = (
        Export.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(pk=export_id, status=Export.Status.DONE, notified_at__isnull=True)
        .first()
    )
    if export is None:
        return False
    path = reverse("exports:export_page")
    notify(
        recipient=export.owner,
        kind=Kind.EXPORT_READY,
        subject=f"Your Waymark {export.get_format_display()} is ready",
        body=render_to_string(
            "exports/email/export_ready.txt", {"export": export, "url": absolute_url(path)}
        ),
        url=path,
        key=f"export-ready:{export.pk}",
    )
    export.notified_at = timezone.now()
    export.save(update_fields=["notified_at"])
    return True


def send_pending() -> int:
    """Send every "ready" notification held back for longer than the grace period."""
    waiting = Export.objects.filter(
        status=Export.Status.DONE,
        notified_at__isnull=True,
        finished_at__lt=timezone.now() - UNSENT_GRACE,
    ).values_list("pk", flat=True)
    return sum(send_export_ready(export_id=pk) for pk in waiting)
