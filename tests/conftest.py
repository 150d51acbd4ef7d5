"""Persona fixtures shared by every test: two organisations, A and B, and people in them."""

import socket
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import override_settings
from django.utils import timezone

from accounts.models import Role
from config.celery import app as celery_app
from config.settings import redis_cache
from curriculum.models import Framework
from portfolio import services as portfolio_services
from tests.factories import (
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SupervisionFactory,
    UserFactory,
)
from tests.helpers import sign_in_as_staff


@pytest.fixture(scope="session", autouse=True)
def audit_signing_key():
    """A signing key for audit checkpoints made for this run, as production's comes from
    the environment; development's key file is never touched by tests."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with override_settings(AUDIT_SIGNING_KEY=pem.decode(), AUDIT_SIGNING_KEY_FILE=""):
        yield


@pytest.fixture(scope="session", autouse=True)
def flush_past_audit_triggers():
    """Transactional tests empty the database with TRUNCATE, which the audit tables refuse
    on PostgreSQL. Between tests, and only there, the flush runs as replication does, with
    triggers off (as a database owner could; verify_audit is what catches that in life)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_with_triggers_off(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if statements:
            statements.insert(0, "SET LOCAL session_replication_role = replica")
        return statements

    DatabaseOperations.sql_flush = flush_with_triggers_off
    yield
    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def publish_breaker_reset():
    """The publish breaker is per process; one test's broker failure must not pause the
    next test's publishing."""
    from core.tasks import breaker

    breaker.reset()
    yield breaker
    breaker.reset()


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Most tests run tasks in-process when they are enqueued; tests marked real_worker
    talk to a real broker (and worker) instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = not request.node.get_closest_marker("real_worker")
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with a second factor as the admin requires."""
    return sign_in_as_staff(client, admin_user)


@pytest.fixture
def org_a(db):
    return OrganisationFactory(name="St Elsewhere NHS Foundation Trust", slug="org-a")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(name="Somewhere Else University Hospitals", slug="org-b")


def member(organisation, role, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def trainee(org_a):
    return member(org_a, Role.TRAINEE, email="trainee@example.org")


@pytest.fixture
def other_trainee(org_a):
    return member(org_a, Role.TRAINEE, email="other.trainee@example.org")


@pytest.fixture
def supervisor(org_a, trainee):
    user = member(org_a, Role.SUPERVISOR, email="supervisor@example.org")
    SupervisionFactory(supervisor=user, trainee=trainee, organisation=org_a)
    return user


@pytest.fixture
def org_admin(org_a):
    return member(org_a, Role.ADMIN, email="admin.a@example.org")


@pytest.fixture
def org_b_admin(org_b):
    return member(org_b, Role.ADMIN, email="admin.b@example.org")


# --- Today, held still ----------------------------------------------------------------------


@pytest.fixture
def frozen_today(monkeypatch):
    """Today, held still for the length of a test. Tests compare the dates they send with the
    dates pages store and show; a test running over midnight would otherwise compare
    yesterday's dates with today's."""
    held, real = timezone.localdate(), timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: held if value is None else real(value, timezone),
    )
    return held


# --- A trainee with a curriculum to map to ----------------------------------------------------


@pytest.fixture
def foundation(db):
    return Framework.objects.get(slug="uk-foundation", version="2021")


@pytest.fixture
def fpcs(foundation):
    return {item.code: item for item in foundation.items.filter(code__startswith="FPC")}


@pytest.fixture
def enrolled_trainee(trainee, org_a, foundation):
    programme = ProgrammeFactory(organisation=org_a, frameworks=[foundation])
    EnrolmentFactory(trainee=trainee, programme=programme)
    return trainee


@pytest.fixture
def log(enrolled_trainee):
    """Log an entry for the trainee through the service, as every page and the API do."""

    def log(**fields):
        defaults = {"kind": "teaching_attended", "title": "Sepsis teaching", "date": "2026-11-02"}
        entry, _ = portfolio_services.log_entry(
            actor=enrolled_trainee, trainee=enrolled_trainee, **{**defaults, **fields}
        )
        return entry

    return log


# --- Redis outages ---------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HungServer:
    """Accepts connections and never answers, like a Redis that has locked up."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.clients = []
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)

    def close(self):
        self.sock.close()
        for client in self.clients:
            client.close()


@pytest.fixture(params=["stopped", "hung"])
def redis_down(request, settings):
    """Point the cache and the Celery broker at a Redis that is stopped or hung."""
    hung = HungServer() if request.param == "hung" else None
    url = f"redis://127.0.0.1:{hung.port if hung else closed_port()}/0"
    settings.CACHES = {"default": redis_cache(url)}
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    # Celery caches its connection pools; drop them so the new broker URL takes effect.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield request.param
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    if hung:
        hung.close()


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.REDIS_URL or "none (tasks run in-process)"
    return [f"waymark: database={engine}, redis={broker}"]


@pytest.fixture
def migrator(transactional_db):
    """Move the test database to a migration state and back: `migrate(("app", "0002_x"))`
    returns that state's historical models, to build data as an older Waymark stored it.
    Afterwards the database is migrated forward to the latest state again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(*targets):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets))
        # An app migrated to zero (None) has no state to include.
        return executor.loader.project_state([t for t in targets if t[1]]).apps

    def migrate_to_latest():
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    migrate.to_latest = migrate_to_latest
    yield migrate
    migrate_to_latest()
