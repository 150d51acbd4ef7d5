"""The nightly sweep: expired tokens go, and so do connections left with none."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from integrations import tasks
from integrations.models import Connection
from tests.integrations.conftest import obtain_token

pytestmark = pytest.mark.django_db


def test_a_connection_whose_tokens_lapsed_is_ended(register, trainee, other_trainee):
    lapsed_app = register(name="Lapsed")
    obtain_token(*lapsed_app, trainee, "profile")
    obtain_token(*register(owner=other_trainee, name="Live"), other_trainee, "profile")
    long_ago = timezone.now() - timedelta(days=365)
    AccessToken.objects.filter(user=trainee).update(expires=long_ago)
    RefreshToken.objects.filter(user=trainee).update(revoked=long_ago)

    ended = tasks.clear_expired_tokens()

    assert ended == 1
    assert list(Connection.objects.values_list("application__name", flat=True)) == ["Live"]
    assert not AccessToken.objects.filter(user=trainee).exists()


def test_beat_runs_the_sweep():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "integrations.tasks.clear_expired_tokens" in scheduled
