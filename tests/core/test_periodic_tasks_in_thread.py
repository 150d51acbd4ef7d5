"""`make run` has no worker and no beat: the beat schedule runs in a thread of the web
process, so that webhook retries and the other sweeps happen there too."""

import threading

from config import wsgi
from config.celery import app as celery_app
from core import tasks

ticked = threading.Event()


@celery_app.task(name="tests.core.tick")
def tick():
    ticked.set()


def test_the_schedule_runs_in_a_thread_of_this_process():
    saved = celery_app.conf.beat_schedule
    ticked.clear()
    service = tasks.start_periodic_tasks_in_thread(
        celery_app, {"tick": {"task": "tests.core.tick", "schedule": 0.1}}
    )
    try:
        # Waits for the event, not for a length of time: a slow machine only takes longer.
        assert ticked.wait(timeout=60), "the scheduled task never ran"
        assert service.is_alive()
    finally:
        service.stop()
        celery_app.conf.beat_schedule = saved


def test_the_wsgi_application_starts_it_only_with_tasks_in_threads(settings, monkeypatch):
    started = []
    monkeypatch.setattr(tasks, "start_periodic_tasks_in_thread", started.append)

    settings.TASKS_IN_THREADS = False
    wsgi._start_periodic_tasks()
    assert started == []

    settings.TASKS_IN_THREADS = True
    wsgi._start_periodic_tasks()
    assert started == [celery_app]
