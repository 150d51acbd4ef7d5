"""An export from the request to the deleted file: queued, made by a worker with its
progress recorded, `done` with the file stored privately and an email sent once, or `failed`
with a message when its writer fails; started by the sweep when the broker lost it; and
deleted, file and all, once it expires."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEntry
from config.beat import beat_schedule
from exports import notifications, services, tasks
from exports.filters import Chosen
from exports.models import Export

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(enrolled_trainee):
    """An export recorded, its task not run (as when the broker is down)."""
    return services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())


def test_asking_records_the_export_and_its_filters_before_any_worker_runs(
    enrolled_trainee, frozen_today
):
    export = services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen())

    assert export.status == "queued"
    assert export.progress == 0
    assert export.filters["date_from"] == f"{frozen_today.year - (frozen_today.month < 4)}-04-01"
    assert export.filters["include_reflections"] is False
    assert AuditEntry.objects.filter(action="export.requested", object_id=str(export.pk)).exists()


def test_a_worker_makes_it_with_progress_and_stores_it_privately(queued, export_storage):
    seen = []

    def writer(*, trainee, out, progress):
        for percent, what in [(10, "Reading"), (60, "Laying out")]:
            progress(percent, what)
            seen.append(Export.objects.values_list("progress", "stage").get(pk=queued.pk))
        out.write(b"%PDF-1.7 finished")

    services.make_export(export_id=queued.pk, writer=writer)
    queued.refresh_from_db()

    assert seen == [(10, "Reading"), (60, "Laying out")]
    assert (queued.status, queued.progress, queued.error) == ("done", 100, "")
    assert queued.file.name.startswith(f"exports/{queued.owner_id}/")
    assert export_storage.open(queued.file.name).read() == b"%PDF-1.7 finished"
    assert queued.size == len(b"%PDF-1.7 finished")
    assert queued.expires_at == queued.finished_at + timedelta(days=7)


def test_retention_comes_from_the_setting(queued, settings):
    settings.EXPORT_RETENTION_DAYS = 30

    services.make_export(export_id=queued.pk, writer=lambda **kw: kw["out"].write(b"x"))
    queued.refresh_from_db()

    assert queued.expires_at - queued.finished_at == timedelta(days=30)


def test_a_failing_writer_ends_it_failed_with_a_message_and_no_file(queued, export_storage):
    def writer(*, trainee, out, progress):
        progress(30, "Laying out")
        raise RuntimeError("the layout engine ran out of memory")

    services.make_export(export_id=queued.pk, writer=writer)
    queued.refresh_from_db()

    assert queued.status == "failed"
    assert "could not make this export" in queued.error
    assert "memory" not in queued.error  # no internals shown to the trainee
    assert not queued.file
    assert not export_storage.exists("exports")


def test_an_archive_export_is_the_portable_archive_with_its_manifest(enrolled_trainee, log):
    log(title="Sepsis teaching")
    export = services.request_export(actor=enrolled_trainee, format="archive")
    assert export.filters == {}

    services.make_export(export_id=export.pk)
    export.refresh_from_db()

    assert export.status == "done" and export.filename.endswith(".zip")
    with export.file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        document = json.loads(zipped.read("portfolio.json"))
        for name, digest in manifest["files"].items():
            assert hashlib.sha256(zipped.read(name)).hexdigest() == digest
    assert document["format"] == "waymark-portfolio/1"
    assert [entry["title"] for entry in document["entries"]] == ["Sepsis teaching"]


def test_a_task_delivered_twice_makes_the_export_once(queued):
    calls = []

    def writer(*, trainee, out, progress):
        calls.append(1)
        out.write(b"x")

    first = services.make_export(export_id=queued.pk, writer=writer)
    second = services.make_export(export_id=queued.pk, writer=writer)

    assert first is not None and second is None
    assert calls == [1]


def test_the_owner_is_emailed_once_when_it_is_ready(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.make_export(export_id=queued.pk, writer=lambda **kw: kw["out"].write(b"x"))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [queued.owner.email]
    assert "/exports/" in mail.outbox[0].body
    assert notifications.send_export_ready(export_id=queued.pk) is False
    assert len(mail.outbox) == 1


def test_the_sweep_makes_exports_and_sends_emails_a_broker_outage_held_back(
    queued, django_capture_on_commit_callbacks
):
    Export.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    assert tasks.run_waiting_exports() >= 1
    queued.refresh_from_db()
    assert queued.status == "done"

    # Made, but its email never went: the next sweep sends it.
    Export.objects.filter(pk=queued.pk).update(
        notified_at=None, finished_at=timezone.now() - timedelta(minutes=5)
    )
    mail.outbox.clear()
    # The sweep records the notification; its email leaves once the sweep commits.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_waiting_exports()
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_young_exports_to_their_own_task(queued):
    assert tasks.run_waiting_exports() == 0
    queued.refresh_from_db()
    assert queued.status == "queued"


def test_an_export_whose_worker_was_lost_is_made_again_by_the_sweep(queued):
    long_ago = timezone.now() - services.STALLED_AFTER - timedelta(minutes=1)
    Export.objects.filter(pk=queued.pk).update(status="running", started_at=long_ago)

    tasks.run_waiting_exports()
    queued.refresh_from_db()

    assert queued.status == "done"


def test_expired_exports_are_deleted_with_their_files(queued, export_storage):
    services.make_export(export_id=queued.pk, writer=lambda **kw: kw["out"].write(b"x"))
    queued.refresh_from_db()
    name = queued.file.name
    assert export_storage.exists(name)

    assert tasks.delete_expired_exports() == 0  # not yet
    Export.objects.filter(pk=queued.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.delete_expired_exports() == 1

    assert not Export.objects.filter(pk=queued.pk).exists()
    assert not export_storage.exists(name)


def test_beat_runs_the_sweep_and_the_expiry():
    tasks_run = {entry["task"] for entry in beat_schedule(audit_checkpoint_minutes=15).values()}

    assert "exports.tasks.run_waiting_exports" in tasks_run
    assert "exports.tasks.delete_expired_exports" in tasks_run


@pytest.mark.parametrize(
    ("chosen", "field", "message"),
    [
        (
            {"date_from": "2026-05-02", "date_to": "2026-05-01"},
            "date_to",
            "cannot be before its start",
        ),
        ({"kinds": ["gardening"]}, "kinds", "Not a kind of entry: gardening"),
    ],
)
def test_filters_that_make_no_sense_are_refused_by_field(enrolled_trainee, chosen, field, message):
    from datetime import date

    from django.core.exceptions import ValidationError

    parsed = {k: date.fromisoformat(v) if k.startswith("date") else v for k, v in chosen.items()}
    with pytest.raises(ValidationError) as refused:
        services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen(**parsed))

    assert message in " ".join(refused.value.message_dict[field])
    assert not Export.objects.exists()


def test_items_of_someone_elses_curriculum_are_refused(enrolled_trainee, other_trainee, foundation):
    from django.core.exceptions import ValidationError

    item = foundation.items.get(code="FPC1")
    services.request_export(actor=enrolled_trainee, format="pdf", chosen=Chosen(items=[item.pk]))

    with pytest.raises(ValidationError) as refused:
        services.request_export(actor=other_trainee, format="pdf", chosen=Chosen(items=[item.pk]))
    assert "items" in refused.value.message_dict


def test_an_export_that_outlives_its_time_limit_fails_asking_for_less(queued):
    from celery.exceptions import SoftTimeLimitExceeded

    def writer(*, trainee, out, progress):
        raise SoftTimeLimitExceeded

    services.make_export(export_id=queued.pk, writer=writer)
    queued.refresh_from_db()

    assert queued.status == "failed"
    assert "shorter period" in queued.error


def test_an_export_whose_worker_is_killed_every_time_fails_after_a_few_attempts(queued):
    long_ago = timezone.now() - services.STALLED_AFTER - timedelta(minutes=1)
    Export.objects.filter(pk=queued.pk).update(
        status="running", started_at=long_ago, attempts=services.MAX_ATTEMPTS
    )

    tasks.run_waiting_exports()
    queued.refresh_from_db()

    assert queued.status == "failed"
    assert "shorter period" in queued.error
    assert queued.attempts == services.MAX_ATTEMPTS
