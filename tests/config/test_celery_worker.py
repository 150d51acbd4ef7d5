"""A real Celery worker consuming from the real Redis broker in REDIS_URL."""

import re
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts import selectors, services
from accounts.models import Invitation, Role
from config.celery import app as celery_app

pytestmark = [
    pytest.mark.real_worker,
    # A real worker needs a real broker.
    pytest.mark.needs_redis,
]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_invitation_email_goes_through_redis_and_a_real_worker(org_a, org_admin):
    assert not celery_app.conf.task_always_eager
    # Messages left in the queue by an earlier run would only add noise.
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        invitation = services.invite_member(
            organisation=org_a,
            email="new.doctor@example.org",
            role=Role.TRAINEE,
            actor=org_admin,
        )
        # The web process only published the task; the worker thread sends the email.
        assert wait_for(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None), (
            "the worker did not send the invitation within 20 seconds"
        )
    assert [m.to for m in mail.outbox] == [["new.doctor@example.org"]]
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert selectors.invitation_from_token(token) == invitation
