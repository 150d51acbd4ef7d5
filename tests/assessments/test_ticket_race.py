"""A link used twice at the same moment (a double-click, or a forwarded email opened twice),
on a real database with real row locks: exactly one completion is kept, and the other is
told the link has already been used; the trainee revoking at that moment is one or the
other too."""

import pytest
from django.db import connection

from assessments import services
from assessments.models import Assessment
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, token_of
from tests.helpers import audit_intact
from tests.portfolio.test_concurrency import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_postgresql]


def completion(link, name):
    return services.complete_by_ticket(
        token=token_of(link),
        assessor_name=name,
        assessor_role="Consultant",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )


def test_two_completions_at_once_keep_exactly_one(assessment, send_ticket):
    assert connection.vendor == "postgresql"
    _, link = send_ticket(assessment)

    results = run_at_once(2, lambda i: completion(link, f"Assessor {i}"))

    kept = [r for r in results if isinstance(r, Assessment)]
    refused = [r for r in results if isinstance(r, services.TicketUnusable)]
    assert len(kept) == 1 and len(refused) == 1, results
    assert "already been used" in str(refused[0])
    assert Assessment.objects.get(pk=assessment.pk).assessor_name == kept[0].assessor_name
    audit_intact()


def test_a_revocation_racing_a_completion_is_one_or_the_other(
    assessment, send_ticket, enrolled_trainee
):
    _, link = send_ticket(assessment)

    def work(i):
        if i == 0:
            return completion(link, "Dr Jones")
        return services.revoke_request(actor=enrolled_trainee, assessment=assessment)

    completed, revoked = run_at_once(2, work)

    assessment.refresh_from_db()
    if isinstance(revoked, services.AssessmentNotChangeable):
        assert isinstance(completed, Assessment)
        assert assessment.state == Assessment.State.COMPLETED
    else:
        assert isinstance(completed, services.TicketUnusable), completed
        assert assessment.state == Assessment.State.DRAFT
    audit_intact()
