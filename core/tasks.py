"""How the web process hands work to Celery."""

import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What a broker that is down or hung raises when a task is published.
BROKER_UNREACHABLE = (OperationalError, OSError)


class PublishBreaker:
    """Stops publishing for a while after the broker failed to take a task.

    A hung broker costs every publish its full socket timeout (seconds), so without this
    each save would wait that long while Redis hangs. The work is not lost: each kind of
    deferred work is recorded in the database before it is published, and its periodic
    sweep picks it up once the broker answers again. Per process, like the cache's own
    failover."""

    def __init__(self, pause_seconds: float = 30.0, clock=time.monotonic):
        self.pause_seconds = pause_seconds
        self.clock = clock
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def allows_publishing(self) -> bool:
        return self.clock() >= self._paused_until

    def trip(self) -> None:
        with self._lock:
            self._paused_until = self.clock() + self.pause_seconds

    def reset(self) -> None:
        with self._lock:
            self._paused_until = 0.0


breaker = PublishBreaker()


def enqueue_after_commit(task, *args) -> None:
    """Publish `task(*args)` once the surrounding transaction commits.

    Tasks take ids, so they must not run before the rows they name are visible. A broker
    outage must not fail the request that saved the user's work: the publish error is
    logged, and each kind of deferred work is recorded in the database so that a periodic
    sweep picks it up once the broker is back.
    """

    def publish():
        if not breaker.allows_publishing():
            logger.warning(
                "Not enqueuing %s%r: the broker failed moments ago; the periodic sweep will run it",
                task.name,
                args,
            )
            return
        try:
            task.apply_async(args=args)
        except BROKER_UNREACHABLE:
            breaker.trip()
            logger.exception(
                "Could not enqueue %s%r; the periodic sweep will retry it", task.name, args
            )
        except Exception:
            logger.exception(
                "Could not enqueue %s%r; the periodic sweep will retry it", task.name, args
            )

    transaction.on_commit(publish)


def enqueue_long_after_commit(task, *args) -> None:
    """As enqueue_after_commit, for work that takes a while and reports its progress. With
    tasks run in-process and TASKS_IN_THREADS on (`make run`), the task runs in a thread of
    its own instead of inside the request, so that the page can show how it is going."""
    if not settings.TASKS_IN_THREADS:
        enqueue_after_commit(task, *args)
        return

    def run():
        try:
            task.apply(args=args)
        except Exception:
            logger.exception("%s%r failed in its thread", task.name, args)
        finally:
            # The thread's own connection, which nothing else would close.
            connection.close()

    def start():
        threading.Thread(target=run, name=f"task {task.name}", daemon=True).start()

    transaction.on_commit(start)


def start_periodic_tasks_in_thread(app, schedule: dict | None = None):
    """Run the beat schedule in a thread of this process, for `make run`.

    With tasks run in-process there is no worker and no beat, so the periodic sweeps (webhook
    retries, pending badge evaluations, audit checkpoints, expiring exports) would never run
    and a retry promised for five seconds later would never come. Celery's own embedded beat
    sends each due task with apply_async, which runs it right there while tasks are eager.
    The in-memory scheduler keeps no schedule file: after a restart the sweeps simply start
    from their next due time."""
    from celery.beat import EmbeddedService

    if schedule is not None:
        app.conf.beat_schedule = schedule
    # Beat runs a task in-process only if this process knows it; unknown ones it sends to the
    # broker by name, where nothing would take them. A worker imports every app's tasks
    # module at start; a web process has imported only those its requests touched.
    app.loader.import_default_modules()
    service = EmbeddedService(app, thread=True, scheduler_cls="celery.beat:Scheduler")
    service.start()
    return service
