"""Who logs an entry: the trainee in their own portfolio, or the system for them."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from portfolio import services
from portfolio.models import LearningEntry

pytestmark = pytest.mark.django_db

FIELDS = {"kind": "reading", "title": "NICE sepsis guideline", "date": "2026-10-01"}


def test_a_trainee_logs_in_their_own_portfolio(enrolled_trainee):
    entry, created = services.log_entry(actor=enrolled_trainee, **FIELDS)
    assert created and entry.trainee == enrolled_trainee
    logged = AuditEntry.objects.get(action="create", object_id=str(entry.pk))
    assert logged.actor == enrolled_trainee


@pytest.mark.parametrize("who", ["other_trainee", "supervisor", "org_admin"])
def test_nobody_logs_in_someone_elses_portfolio(request, enrolled_trainee, who):
    with pytest.raises(PermissionDenied):
        services.log_entry(actor=request.getfixturevalue(who), trainee=enrolled_trainee, **FIELDS)
    assert not LearningEntry.objects.exists()


def test_the_system_logs_for_a_trainee_and_the_log_says_so(enrolled_trainee):
    entry, _ = services.log_entry(actor=None, trainee=enrolled_trainee, **FIELDS)
    assert entry.trainee == enrolled_trainee
    assert AuditEntry.objects.get(action="create", object_id=str(entry.pk)).actor is None
