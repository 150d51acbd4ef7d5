"""Awarding through real Celery workers on Redis, and through a Redis outage."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from badges.models import Award, PendingEvaluation
from badges.tasks import run_pending_evaluations
from config.celery import app as celery_app
from portfolio.models import LearningEntry

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = int(os.environ.get("WAYMARK_WORKER_TEST_ENTRIES", 1000))


@pytest.mark.real_worker
@pytest.mark.django_db
def test_saving_an_entry_while_redis_is_down_loses_no_evaluation(
    client, badge_classes, enrolled_trainee, redis_down, django_capture_on_commit_callbacks
):
    client.force_login(enrolled_trainee)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portfolio:entry_create"),
            {"kind": "social_media", "title": "#FOAMed journal club", "date": "2026-11-02"},
        )
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    assert LearningEntry.objects.filter(trainee=enrolled_trainee).count() == 1
    assert PendingEvaluation.objects.filter(trainee=enrolled_trainee).exists()
    assert not Award.objects.exists()

    # Redis is back; the periodic sweep runs what the broker never delivered.
    celery_app.conf.task_always_eager = True
    PendingEvaluation.objects.update(requested_at="2026-01-01T00:00:00Z")
    assert run_pending_evaluations() == 1
    assert Award.objects.filter(
        recipient=enrolled_trainee, badge_class__slug="journal-club-contributor"
    ).exists()


def start_worker(name: str, database_name: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database_name}",
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "-n", f"{name}@%h", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )  # fmt: skip


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
# Two worker processes share the database, so it must be a server.
@pytest.mark.needs_postgresql
@pytest.mark.needs_redis
def test_two_workers_processing_1000_entries_award_each_badge_once(
    badge_classes, add, sign_off, enrolled_trainee, tmp_path
):
    celery_app.control.purge()
    logs = [tmp_path / f"worker{n}.log" for n in (1, 2)]
    database = connection.settings_dict["NAME"]
    workers = [start_worker(f"w{n}", database, log) for n, log in enumerate(logs, 1)]
    try:
        # Each entry commits on its own and publishes an evaluation: 1,000 tasks for one
        # trainee, taken by two worker processes at once. The regular badge counts only
        # signed-off contributions: five are.
        sign_off(add(5, kind="social_media"))
        add(ENTRIES, kind="social_media", tags=["host"])
        deadline = time.monotonic() + 240
        while PendingEvaluation.objects.exists() and time.monotonic() < deadline:
            time.sleep(1)
        assert not PendingEvaluation.objects.exists(), "the workers did not finish: " + "".join(
            log.read_text()[-2000:] for log in logs
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    awards = Award.objects.filter(recipient=enrolled_trainee)
    slugs = list(awards.values_list("badge_class__slug", flat=True))
    assert sorted(slugs) == [
        "journal-club-contributor",
        "journal-club-host",
        "journal-club-regular",
    ]
