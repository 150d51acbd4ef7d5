"""Database connections are kept, not opened per request or per task: the web's for
CONN_MAX_AGE seconds (checked before reuse), a worker's across tasks (Celery's Django fixup
reads CELERY_DB_REUSE_MAX)."""

import json

from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings

from config.celery import app
from tests.config.test_settings import production_setting


def test_production_web_processes_keep_their_database_connections():
    database = json.loads(production_setting("__import__('json').dumps(s.DATABASES['default'])"))
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] >= 60
    # A connection the server dropped meanwhile is replaced, not handed to a request.
    assert database["CONN_HEALTH_CHECKS"] is True


def test_a_worker_reuses_its_connection_across_tasks():
    # What Celery's own Django fixup reads, under the name it reads it by.
    assert DjangoWorkerFixup(app).db_reuse_max == settings.CELERY_DB_REUSE_MAX
    assert settings.CELERY_DB_REUSE_MAX >= 100
    assert production_setting("s.CELERY_DB_REUSE_MAX") == str(settings.CELERY_DB_REUSE_MAX)
