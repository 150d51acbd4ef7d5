"""The Celery app. Settings come from Django's settings module (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("waymark")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def drop_stale_connections(sender=None, **kwargs):
    """Connections are kept between tasks (CELERY_DB_REUSE_MAX); like the request cycle,
    each task starts by closing any that outlived CONN_MAX_AGE or no longer answer."""
    if getattr(sender.request, "is_eager", False):
        return  # in-process: the caller's connection, mid-transaction perhaps
    from django.db import close_old_connections

    close_old_connections()
