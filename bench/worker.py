"""The Celery app the bench's workers run: Waymark's own, plus one task that does nothing.

The no-op task is the pipeline's floor: tasks per second through the same worker, broker and
settings, with none of Waymark's work in them. Start a worker on it with
`celery -A bench.worker worker`; bench/pipeline.py does.
"""

from config.celery import app

__all__ = ["app", "noop"]


@app.task(name="bench.noop")
def noop() -> None:
    return None
