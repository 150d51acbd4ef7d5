"""Exports: asking for one, making it in a worker, and deleting it when it expires.

Asking records the export in the database before anything is published to the broker, so
an outage loses nothing: the sweep (exports.tasks.run_waiting_exports) starts any export
that is still waiting after a grace period. Making it never loses the request either: a
writer that fails ends the export `failed` with a message for the trainee."""

import logging
import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import BinaryIO

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit
from core.tasks import enqueue_after_commit, enqueue_long_after_commit
from exports import archive, contents
from exports.filters import Chosen, Filters, check_filters
from exports.models import Export
from exports.signals import send_export_ready

logger = logging.getLogger(__name__)

# Writes a finished export of `trainee` to `out`, telling `progress(percent, what)` how far
# it has got. The archive's writer is exports.archive.write_archive.
Writer = Callable[..., None]

# Laying out a large portfolio takes WeasyPrint minutes (500 entries: about one), more than
# the site's default task limits allow; the export's task has limits of its own.
SOFT_TIME_LIMIT = timedelta(minutes=20)
TIME_LIMIT = timedelta(minutes=22)
# A running export older than this was lost with its worker (the task's hard time limit is
# shorter): it may be started again, up to MAX_ATTEMPTS times in all.
STALLED_AFTER = timedelta(minutes=30)
MAX_ATTEMPTS = 3
TOO_LARGE = (
    "This export took too long to make. Choose a shorter period or fewer kinds of entry, "
    "and export again."
)


@transaction.atomic
def request_export(*, actor, format: str, chosen: Chosen | None = None) -> Export:
    """The trainee's own export, queued. A PDF's filters are checked here, by field; an
    archive is everything and takes none."""
    if format not in Export.Format.values:
        raise ValidationError({"format": f"Choose one of: {', '.join(Export.Format.values)}."})
    filters = {}
    if format == Export.Format.PDF:
        filters = check_filters(actor, chosen or Chosen()).as_json()
    export = Export.objects.create(owner=actor, format=format, filters=filters)
    audit.append(
        actor=actor,
        action="export.requested",
        obj=export,
        payload={"format": format, "filters": filters},
        chain=audit.user_chain(actor.pk),
    )
    from exports.tasks import make_export

    enqueue_long_after_commit(make_export, export.pk)
    return export


def _claim(export_id: int) -> Export | None:
    """Take the export for this worker: one waiting, or one whose worker was lost. None if
    another worker has it or it is finished, so a task delivered twice makes it once."""
    with transaction.atomic():
        export = (
            Export.objects.select_for_update()
            .select_related("owner")
            .filter(pk=export_id)
            .filter(
                Q(status=Export.Status.QUEUED)
                | Q(status=Export.Status.RUNNING, started_at__lt=timezone.now() - STALLED_AFTER)
            )
            .first()
        )
        if export is None:
            return None
        if export.attempts >= MAX_ATTEMPTS:
            _fail(export, TOO_LARGE)
            return None
        export.status = Export.Status.RUNNING
        export.started_at = timezone.now()
        export.attempts += 1
        export.progress, export.stage = 0, "Starting"
        export.save(update_fields=["status", "started_at", "attempts", "progress", "stage"])
        return export


def _reporter(export: Export) -> Callable[[int, str], None]:
    """Progress as the page and the API read it: written at once, outside any transaction,
    and only when it changed."""
    last = {"progress": -1, "stage": ""}

    def report(percent: int, what: str) -> None:
        percent = max(0, min(99, int(percent)))  # 100 is for the finished file alone
        what = what[:200]
        if (percent, what) == (last["progress"], last["stage"]):
            return
        last.update(progress=percent, stage=what)
        Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).update(
            progress=percent, stage=what
        )

    return report


def write_pdf_portfolio(*, trainee, out: BinaryIO, progress, filters) -> None:
    """The PDF writer: gather (0–40%), lay out and write (40–100%)."""
    # Imported here, in the worker that lays PDFs out: WeasyPrint takes about half a second
    # to import, which every web process would otherwise pay at start-up for nothing.
    from exports import pdf

    # The gathered rows are not held through the layout, the peak of the export's memory:
    # freed once the HTML is made, their memory is reused rather than added to (7 MB of a
    # 500-entry export's 514).
    html = pdf.portfolio_html(
        contents.gather(trainee, filters, progress=lambda p, what: progress(round(p * 0.4), what))
    )
    pdf.write_pdf(html, out, progress=lambda p, what: progress(40 + round(p * 0.6), what))


def default_writer(export: Export) -> Writer:
    """The writer for the export's format, with what the trainee chose."""
    if export.format == Export.Format.PDF:
        filters = Filters.from_json(export.filters)
        return lambda **kwargs: write_pdf_portfolio(filters=filters, **kwargs)
    return archive.write_archive


def make_export(*, export_id: int, writer: Writer | None = None) -> Export | None:
    """Make the export's file and store it, or end it `failed` with the reason. Idempotent:
    a finished export, or one another worker is making, is left alone."""
    export = _claim(export_id)
    if export is None:
        return None
    report = _reporter(export)
    write = writer or default_writer(export)
    try:
        with tempfile.TemporaryFile() as out:
            write(trainee=export.owner, out=out, progress=report)
            report(99, "Storing the file")
            size = out.seek(0, 2)
            out.seek(0)
            # Through the storage API only: the private storage may be object storage.
            stored = export.file.storage.save(
                f"exports/{export.owner_id}/{export.filename}", File(out)
            )
    except SoftTimeLimitExceeded:
        logger.warning("Export %s ran out of time", export.pk)
        return _fail(export, TOO_LARGE)
    except Exception:
        logger.exception("Export %s failed", export.pk)
        return _fail(export, "Waymark could not make this export. Nothing in your portfolio "
                     "was changed; please try again.")  # fmt: skip
    return _finish(export, stored, size)


@transaction.atomic
def _finish(export: Export, stored: str, size: int) -> Export:
    now = timezone.now()
    export.file.name = stored
    export.size = size
    export.status, export.progress, export.stage = Export.Status.DONE, 100, "Ready"
    export.finished_at = now
    export.expires_at = now + timedelta(days=settings.EXPORT_RETENTION_DAYS)
    export.save(
        update_fields=[
            "file", "size", "status", "progress", "stage", "finished_at", "expires_at",
        ]
    )  # fmt: skip
    audit.append(
        actor=None,
        action="export.finished",
        obj=export,
        payload={"size": size},
        chain=audit.user_chain(export.owner_id),
    )
    send_export_ready(export=export)
    from exports.tasks import notify_export_ready

    enqueue_after_commit(notify_export_ready, export.pk)
    return export


def _fail(export: Export, message: str) -> Export:
    export.status, export.stage, export.error = Export.Status.FAILED, "Failed", message
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "stage", "error", "finished_at"])
    return export


def delete_expired(*, now=None) -> int:
    """Delete exports past their expiry, file first: a file whose row is gone could never
    be found again, while a row whose file is gone is simply deleted next time."""
    deleted = 0
    for export in Export.objects.expired(now).order_by("expires_at", "pk"):
        if export.file:
            export.file.storage.delete(export.file.name)
        Export.objects.filter(pk=export.pk).delete()
        deleted += 1
    return deleted
