"""Assessors without accounts: the trainee sends a one-time link by email; the assessor
completes the assessment signed out; the link then works no more."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Assessment, Ticket
from audit.models import AuditEntry
from tests.assessments.conftest import MINI_CEX_ASSESSOR_ANSWERS, token_of
from tests.helpers import audit_intact

pytestmark = pytest.mark.django_db


def complete(link, **details):
    return services.complete_by_ticket(
        token=token_of(link),
        assessor_name="Dr Rhys Jones",
        assessor_role="Consultant in emergency medicine",
        assessor_gmc_number="7654321",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
        **details,
    )


def test_the_link_is_emailed_and_only_its_hash_is_kept(assessment, send_ticket, mailoutbox):
    ticket, link = send_ticket(assessment)
    assert mailoutbox[-1].to == ["dr.jones@hospital.example"]
    token = token_of(link)
    assert len(token) >= 43  # 256 bits from secrets
    assert token not in ticket.token_sha256
    assert selectors.ticket_for_token(token) == ticket
    assert ticket.expires_at - ticket.created_at == datetime.timedelta(days=14)
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.REQUESTED


def test_every_ticket_email_is_in_the_audit_log(assessment, send_ticket, enrolled_trainee):
    ticket, _ = send_ticket(assessment)
    sent = AuditEntry.objects.get(action="send_ticket", object_id=str(ticket.pk))
    assert sent.payload["email"] == "dr.jones@hospital.example"
    assert sent.actor_id == enrolled_trainee.pk
    assert audit_intact()


def test_completing_by_ticket_locks_the_assessment_and_marks_it(assessment, send_ticket):
    _, link = send_ticket(assessment)
    done = complete(link)
    assert done.state == Assessment.State.COMPLETED and done.is_locked
    assert done.by_ticket
    assert done.assessor_gmc_number == "7654321"
    assert done.answers["overall"] == "Meets expectations"
    assert done.answers["setting"].startswith("ED majors")  # the trainee's case is kept
    entry = done.entry
    assert entry.is_locked
    with pytest.raises(services.AssessmentNotChangeable):
        services.request_assessment(
            actor=done.trainee, assessment=done, name="Another", email="b@example.org"
        )
    assert AuditEntry.objects.filter(action="complete_assessment", payload__by_ticket=True).exists()
    assert audit_intact()


def test_a_second_use_of_the_link_fails(assessment, send_ticket):
    _, link = send_ticket(assessment)
    complete(link)
    with pytest.raises(services.TicketUnusable, match="already been used"):
        complete(link, assessor_comment="Changed my mind")
    assert Assessment.objects.get(pk=assessment.pk).assessor_comment == ""


@pytest.fixture
def clock(monkeypatch):
    """The time Waymark reads, set by the test."""

    class Clock:
        at = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC)

    monkeypatch.setattr(timezone, "now", lambda: Clock.at)
    return Clock


def test_the_link_expires_after_14_days(assessment, send_ticket, clock):
    _, link = send_ticket(assessment)
    clock.at += datetime.timedelta(days=14, seconds=-1)
    assert selectors.ticket_for_token(token_of(link)).state == "open"
    clock.at += datetime.timedelta(seconds=1)
    with pytest.raises(services.TicketUnusable, match="expired"):
        complete(link)


def test_the_trainee_revokes_the_link(assessment, send_ticket, enrolled_trainee):
    _, link = send_ticket(assessment)
    services.revoke_request(actor=enrolled_trainee, assessment=assessment)
    with pytest.raises(services.TicketUnusable, match="withdrawn"):
        complete(link)
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.DRAFT
    # A draft again: sent to someone else, with a new link.
    _, second = send_ticket(assessment, email="dr.khan@hospital.example")
    assert second != link
    assert Ticket.objects.filter(assessment=assessment).count() == 2


@pytest.mark.parametrize("typed", ["123456", "12345678", "12a4567", "GMC1234"])
def test_a_gmc_number_is_seven_digits(assessment, send_ticket, typed):
    _, link = send_ticket(assessment)
    with pytest.raises(ValidationError) as refused:
        services.complete_by_ticket(
            token=token_of(link), assessor_name="Dr Rhys Jones", assessor_role="Consultant",
            assessor_gmc_number=typed, answers=MINI_CEX_ASSESSOR_ANSWERS,
        )  # fmt: skip
    assert refused.value.message_dict["assessor_gmc_number"] == [
        "A GMC number is 7 digits, for example 1234567."
    ]
    assert selectors.ticket_for_token(token_of(link)).state == "open"


def test_an_assessor_without_a_gmc_number_leaves_it_out(assessment, send_ticket):
    _, link = send_ticket(assessment)
    services.complete_by_ticket(
        token=token_of(link), assessor_name="Sam Lee", assessor_role="Advanced nurse practitioner",
        answers=MINI_CEX_ASSESSOR_ANSWERS,
    )  # fmt: skip
    assert Assessment.objects.get(pk=assessment.pk).assessor_gmc_number == ""


def test_tickets_are_limited_per_trainee(start, send_ticket):
    for n in range(services.TICKETS_PER_DAY):
        send_ticket(start(title=f"Case {n}"))
    with pytest.raises(ValidationError) as refused:
        send_ticket(start(title="One too many"))
    assert "Try again tomorrow" in refused.value.message_dict["email"][0]


def test_an_assessor_with_an_account_gets_it_in_their_queue(
    assessment, supervisor, enrolled_trainee, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.request_assessment(
            actor=enrolled_trainee,
            assessment=assessment,
            name="Supervisor",
            email=supervisor.email.upper(),
        )
    assert ticket is None and not Ticket.objects.exists()
    assert list(selectors.queue_of(supervisor)) == [assessment]
    assert reverse("assessments:complete", args=[assessment.pk]) in mailoutbox[-1].body
    done = services.complete_as_assessor(
        actor=supervisor, assessment=assessment, answers=MINI_CEX_ASSESSOR_ANSWERS,
        assessor_role="Educational supervisor",
    )  # fmt: skip
    assert done.is_locked and not done.by_ticket and done.assessor_name == supervisor.full_name


def test_the_trainee_cannot_assess_themselves(assessment, enrolled_trainee):
    with pytest.raises(ValidationError):
        services.request_assessment(
            actor=enrolled_trainee, assessment=assessment, name="Me", email=enrolled_trainee.email
        )
