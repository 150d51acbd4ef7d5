"""Redis going away, or hanging, must not sign anyone out, break sign-in, or hold a request
hostage: the cache degrades to no cache and a failed publish is left for the sweep."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from accounts.tasks import send_pending_invitations
from config.celery import app as celery_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.real_worker  # keep Celery non-eager: publishing must really fail

# The promise: a request still answers within this many seconds while Redis is down.
DEADLINE = 5.0


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
    assert response.url == reverse("portfolio:dashboard")
    assert seconds < DEADLINE
    response, seconds = timed(lambda: client.get(reverse("portfolio:dashboard")))
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
                reverse("accounts:invite", args=[org_a.slug]),
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
        organisation=org_a, email="swept@example.org", role="trainee", actor=org_admin
    )
    celery_app.conf.task_always_eager = True  # the sweep sends in-process; the fixture restores
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    assert send_pending_invitations() == 1
    assert [m.to for m in mail.outbox] == [["swept@example.org"]]
    assert send_pending_invitations() == 0
