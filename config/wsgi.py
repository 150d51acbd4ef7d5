import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def _start_periodic_tasks():
    """`make run` has no worker and no beat: its periodic sweeps run in a thread here."""
    from django.conf import settings

    if settings.TASKS_IN_THREADS:
        from config.celery import app
        from core.tasks import start_periodic_tasks_in_thread

        start_periodic_tasks_in_thread(app)


_start_periodic_tasks()
