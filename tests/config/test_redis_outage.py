"""Redis going away, or hanging, must not sign anyone out, break sign-in, or hold a request
hostage: the cache degrades to no cache and a failed publish is left for the sweep."""

import socket
import threading
import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from accounts.tasks import send_pending_invitations
from config.celery import app as celery_app
from config.settings import redis_cache
from tests.factories import PASSWORD

pytestmark = pytest.mark.real_worker  # keep Celery non-eager: publishing must really fail

# The promise: a request still answers within this many seconds.
DEADLINE = 5.0


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


def timed(fn):
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


@pytest.mark.django_db
def test_sign_in_works_while_redis_is_down(client, trainee, redis_down):
    response, seconds = timed(
        lambda: client.post(
            reverse("account_login"), {"login": trainee.email, "password": PASSWORD}
        )
    )
    assert response.status_code == 302, response.content[:500]
    assert response.url == reverse("dashboard")
    assert seconds < DEADLINE
    response, seconds = timed(lambda: client.get(reverse("dashboard")))
    assert response.status_code == 200
    assert seconds < DEADLINE


@pytest.mark.django_db
def test_a_page_that_enqueues_a_task_answers_and_keeps_the_work(
    client, org_a, org_admin, redis_down, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response, seconds = timed(
            lambda: client.post(
                reverse("invite", args=[org_a.slug]),
                {"email": "late.invite@example.org", "role": "trainee"},
            )
        )
    assert response.status_code == 302
    assert seconds < DEADLINE
    invitation = Invitation.objects.get(email="late.invite@example.org")
    assert invitation.sent_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_invitations_left_unsent_by_an_outage_are_swept_up_later(org_a, org_admin):
    from django.utils import timezone

    from accounts import services

    # As if the publish had failed: the row exists, the email never went. (Not eager, and
    # no on-commit callbacks run in this test's transaction, so nothing is published.)
    invitation = services.invite_member(
        organisation=org_a, email="swept@example.org", role="trainee", invited_by=org_admin
    )
    celery_app.conf.task_always_eager = True  # the sweep sends in-process; the fixture restores
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    assert send_pending_invitations() == 1
    assert [m.to for m in mail.outbox] == [["swept@example.org"]]
    assert send_pending_invitations() == 0
