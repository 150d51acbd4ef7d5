"""Where Waymark's log lines go: one plain line each to the console, which the process
manager (systemd, a container runtime) collects."""


def logging_config(*, level: str, tasks_run_in_process: bool) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # In-process tasks would otherwise log a line each into the development console.
            "celery.app.trace": {"level": "WARNING" if tasks_run_in_process else "INFO"},
            # WeasyPrint logs each step of every PDF at INFO; its warnings (a refused fetch)
            # stay.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
