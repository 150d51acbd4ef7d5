"""Supervisors as the supervision tests meet them: one who supervises someone else, one
whose supervision has ended, and the trainee's entries in each state a supervisor may or may
not see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from portfolio import services
from tests.conftest import member
from tests.factories import SupervisionFactory


@pytest.fixture
def other_supervisor(org_a, other_trainee):
    """Supervises the other trainee, not ours."""
    user = member(org_a, Role.SUPERVISOR, email="other.supervisor@example.org")
    SupervisionFactory(supervisor=user, trainee=other_trainee, organisation=org_a)
    return user


@pytest.fixture
def former_supervisor(org_a, trainee):
    """Supervised the trainee until yesterday."""
    user = member(org_a, Role.SUPERVISOR, email="former.supervisor@example.org")
    today = timezone.localdate()
    SupervisionFactory(
        supervisor=user,
        trainee=trainee,
        organisation=org_a,
        start_date=today - timedelta(days=90),
        end_date=today - timedelta(days=1),
    )
    return user


@pytest.fixture
def submit(enrolled_trainee, supervisor):
    """Send an entry to the supervisor (or another) for sign-off, as the entry page does."""

    def submit(entry, to=None):
        return services.submit_for_sign_off(
            entry=entry, supervisor=to or supervisor, actor=enrolled_trainee
        )

    return submit
