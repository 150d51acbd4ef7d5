"""How the web process hands work to Celery."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Publish `task(*args)` once the surrounding transaction commits.

    Tasks take ids, so they must not run before the rows they name are visible. A broker
    outage must not fail the request that saved the user's work: the publish error is
    logged, and each kind of deferred work is recorded in the database so that a periodic
    sweep picks it up once the broker is back.
    """

    def publish():
        try:
            task.apply_async(args=args)
        except Exception:
            logger.exception(
                "Could not enqueue %s%r; the periodic sweep will retry it", task.name, args
            )

    transaction.on_commit(publish)
