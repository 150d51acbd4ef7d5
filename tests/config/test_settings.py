"""The settings module: development with no environment, production refusing to start
half-configured, and production settings that pass Django's deployment checks."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given environment (plus PATH)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "waymark.example.org",
    "DATABASE_URL": "postgres://waymark@db.example.org:5432/waymark",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "SITE_URL": "https://waymark.example.org",
    "MFA_ENCRYPTION_KEY": secrets.token_urlsafe(50),
    "BADGE_KEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "AUDIT_SIGNING_KEY": Ed25519PrivateKey.generate()
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    .decode(),
}


@pytest.mark.django_db
def test_suite_runs_on_the_database_named_by_database_url():
    # CI sets DATABASE_URL to PostgreSQL; this fails if it silently fell back to SQLite.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_no_environment_means_development():
    result = run_python(
        "import json, django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default']['ENGINE'],"
        " 'db_name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        " 'email': s.EMAIL_BACKEND, 'media': str(s.MEDIA_ROOT), 'sessions': s.SESSION_ENGINE,"
        " 'cache': s.CACHES['default']['BACKEND']}))"
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["debug"] is True
    assert config["db"] == "django.db.backends.sqlite3"
    assert config["db_name"] == str(ROOT / "waymark.sqlite3")
    assert config["eager"] is True
    assert config["email"] == "django.core.mail.backends.console.EmailBackend"
    assert config["media"] == str(ROOT / "media")
    assert config["sessions"] == "django.contrib.sessions.backends.db"
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_and_redis_urls_select_postgresql_and_redis():
    result = run_python(
        "import json, django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'],"
        " 'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        " 'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE}))",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/waymark",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config == {
        "db": "django.db.backends.postgresql",
        "broker": "redis://127.0.0.1:6379/3",
        "eager": False,
        "cache": "core.cache.FailoverRedisCache",
        # Still the database: Redis going away must not sign anyone out.
        "sessions": "django.contrib.sessions.backends.db",
    }


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL", "REDIS_URL", "MFA_ENCRYPTION_KEY"],
)
def test_production_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ENV=production needs these environment variables" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_an_mfa_key_that_is_the_secret_key():
    env = PRODUCTION_ENV | {"MFA_ENCRYPTION_KEY": PRODUCTION_ENV["SECRET_KEY"]}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "MFA_ENCRYPTION_KEY of its own" in result.stderr


def test_production_refuses_to_start_without_an_audit_signing_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "AUDIT_SIGNING_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE" in result.stderr


def test_deployment_checks_refuse_an_audit_signing_key_that_is_not_one():
    result = manage("check", "--deploy", **PRODUCTION_ENV | {"AUDIT_SIGNING_KEY": "not a key"})
    assert result.returncode != 0
    assert "audit.E001" in result.stderr


def production_setting(code: str, **env) -> str:
    result = run_python(
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "django.setup();"
        f"from django.conf import settings as s; print({code})",
        **PRODUCTION_ENV,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_preload_is_opt_in():
    assert production_setting("s.SECURE_HSTS_PRELOAD") == "False"
    assert production_setting("s.SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="true") == "True"
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV, SECURE_HSTS_PRELOAD="1"
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/me/", "/no-such-page/"])
def test_every_response_denies_browser_features_waymark_does_not_use(client, path):
    policy = client.get(path).headers["Permissions-Policy"]
    features = dict(part.split("=") for part in policy.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert features[feature] == "()"


def test_unknown_environment_name_is_refused():
    result = manage("check", DJANGO_ENV="staging")
    assert result.returncode != 0
    assert "DJANGO_ENV must be 'development' or 'production'" in result.stderr


def test_api_defaults_are_safe():
    api = settings.REST_FRAMEWORK
    assert api["DEFAULT_PERMISSION_CLASSES"] == [
        # OAuth tokens reach only what a view declares a scope for (core/api_scopes.py).
        "core.api_scopes.TokenHasDeclaredScope",
        "rest_framework.permissions.IsAuthenticated",
    ]
    assert not any("Basic" in cls for cls in api["DEFAULT_AUTHENTICATION_CLASSES"])
    assert api["NUM_PROXIES"] == settings.ALLAUTH_TRUSTED_PROXY_COUNT


def test_celery_fails_fast_on_a_hung_broker_and_outlives_its_tasks():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_timeout"] <= 5 and options["socket_connect_timeout"] <= 5
    assert options["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_workers_keep_database_connections_between_tasks_but_drop_stale_ones(monkeypatch):
    from celery.signals import task_prerun

    from config import celery as waymark_celery

    assert waymark_celery.app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX
    assert settings.CELERY_DB_REUSE_MAX > 1
    closed = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: closed.append(True))

    class Task:
        class request:  # noqa: N801 - shaped like a Celery task's request
            is_eager = False

    task_prerun.send(sender=Task, task_id="t", task=Task, args=(), kwargs={})
    assert closed == [True]
    Task.request.is_eager = True
    task_prerun.send(sender=Task, task_id="t", task=Task, args=(), kwargs={})
    assert closed == [True]


def test_production_refuses_to_start_without_badge_key_encryption_keys():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "BADGE_KEY_ENCRYPTION_KEYS"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "needs BADGE_KEY_ENCRYPTION_KEYS" in result.stderr


def test_deployment_checks_report_badge_encryption_keys_that_do_not_load():
    result = manage("check", "--deploy", **(PRODUCTION_ENV | {"BADGE_KEY_ENCRYPTION_KEYS": "x"}))
    assert result.returncode != 0
    assert "badges.E001" in result.stdout + result.stderr
