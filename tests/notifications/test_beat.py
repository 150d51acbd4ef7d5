"""Beat names tasks by their dotted names: each must be a task a worker knows."""

from django.conf import settings

from config.celery import app


def test_every_task_beat_runs_exists():
    app.loader.import_default_modules()
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in app.tasks
    }
    assert missing == {}


def test_reminders_and_expiry_notices_come_before_the_days_digest():
    schedule = settings.CELERY_BEAT_SCHEDULE
    hour_of = {
        name: (min(e["schedule"].hour), min(e["schedule"].minute))
        for name, e in schedule.items()
        if name
        in {
            "remind-waiting-supervisors",
            "notify-expiring-awards",
            "send-daily-notification-digests",
        }
    }
    assert hour_of["remind-waiting-supervisors"] < hour_of["send-daily-notification-digests"]
    assert hour_of["notify-expiring-awards"] < hour_of["send-daily-notification-digests"]
