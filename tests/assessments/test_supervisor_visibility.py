"""A completed assessment leaves the trainee's drafts: their supervisors find it in the
trainee's entries, marked "Assessment completed" rather than signed off, and one completed
through a one-time link still says so. Coverage and badge rules count it as before: mapped,
not signed off."""

import pytest
from django.urls import reverse

from assessments import services
from audit.models import AuditEntry
from portfolio import coverage, selectors
from portfolio import services as portfolio_services
from portfolio.models import Status
from portfolio.services import TransitionNotAllowed
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, token_of

pytestmark = pytest.mark.django_db


def complete_by_ticket(assessment, send_ticket):
    _, link = send_ticket(assessment)
    return services.complete_by_ticket(
        token=token_of(link),
        assessor_name="Dr Rhys Jones",
        assessor_role="Consultant",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )


def test_a_completed_assessment_is_in_the_supervisors_list_of_the_trainees_entries(
    client, assessment, send_ticket, supervisor, enrolled_trainee
):
    client.force_login(supervisor)
    entries_url = reverse("portfolio:trainee_entries", args=[enrolled_trainee.pk])
    assert assessment.entry.title.encode() not in client.get(entries_url).content

    complete_by_ticket(assessment, send_ticket)

    page = client.get(entries_url)
    assert assessment.entry.title.encode() in page.content
    assert b'<span class="badge status-assessed">Assessment completed</span>' in page.content
    assert b"badge status-signed_off" not in page.content
    entry = client.get(assessment.entry.get_absolute_url())
    assert entry.status_code == 200
    assert b"Completed by ticket" in entry.content


def test_completion_moves_the_entry_out_of_the_drafts_in_the_audit_log(
    assessment, send_ticket, enrolled_trainee
):
    complete_by_ticket(assessment, send_ticket)

    entry = assessment.entry
    entry.refresh_from_db()
    assert entry.status == Status.ASSESSED and entry.is_locked
    logged = AuditEntry.objects.get(action="complete", object_id=str(entry.pk))
    assert logged.payload == {"status": "assessed", "assessment": assessment.pk, "by_ticket": True}


def test_an_assessor_with_an_account_completes_it_the_same_way(
    assessment, supervisor, enrolled_trainee
):
    services.request_assessment(
        actor=enrolled_trainee, assessment=assessment, name="Supervisor", email=supervisor.email
    )
    services.complete_as_assessor(
        actor=supervisor,
        assessment=assessment,
        answers=MINI_CEX_ASSESSOR_ANSWERS,
        assessor_role="Educational supervisor",
    )
    assert selectors.supervised_entries(supervisor, enrolled_trainee).get() == assessment.entry
    assert AuditEntry.objects.get(action="complete").actor_id == supervisor.pk


def test_drafts_and_assessments_waiting_for_the_assessor_stay_private(
    assessment, send_ticket, supervisor, enrolled_trainee
):
    send_ticket(assessment)  # requested, not completed
    assert not selectors.supervised_entries(supervisor, enrolled_trainee).exists()


def test_coverage_counts_it_as_mapped_not_as_signed_off(
    assessment, send_ticket, enrolled_trainee, fpcs
):
    complete_by_ticket(assessment, send_ticket)

    counts = coverage.evidence_counts(enrolled_trainee, [fpcs["FPC1"].pk])
    assert counts[fpcs["FPC1"].pk] == (1, 0)  # (mapped, signed off)


def test_only_an_assessment_is_completed(log):
    entry = log()
    with pytest.raises(TransitionNotAllowed):
        portfolio_services.mark_assessed(entry=entry, actor=None)
