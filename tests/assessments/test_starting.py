"""A trainee starts an assessment: an entry of its own kind in their portfolio, mapped to
curriculum items and counted by coverage, changeable until it is sent."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from assessments import services
from audit.models import AuditEntry
from portfolio import services as portfolio
from portfolio.coverage import evidence_counts
from portfolio.models import Kind
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_starting_logs_an_assessment_entry_mapped_to_items(assessment, enrolled_trainee, fpcs):
    entry = assessment.entry
    assert entry.kind == Kind.ASSESSMENT and entry.trainee == enrolled_trainee
    assert assessment.answers == {"setting": "ED majors, a man in his fifties with chest pain."}
    assert evidence_counts(enrolled_trainee, [fpcs["FPC1"].pk]) == {fpcs["FPC1"].pk: (1, 0)}
    assert AuditEntry.objects.filter(action="start_assessment", object_id=str(assessment.pk))


def test_the_case_is_required(start):
    with pytest.raises(ValidationError) as refused:
        start(answers={})
    assert refused.value.message_dict["setting"] == ["This question needs an answer."]


def test_items_outside_the_trainees_curricula_are_refused(start):
    with pytest.raises(ValidationError) as refused:
        start(items=[ItemFactory(code="ELSEWHERE")])
    assert "ELSEWHERE" in refused.value.message_dict["items"][0]


def test_a_draft_is_changed_until_it_is_sent(assessment, enrolled_trainee, fpcs):
    services.update_assessment(
        actor=enrolled_trainee,
        assessment=assessment,
        title="Chest pain, re-titled",
        date=datetime.date(2026, 11, 3),
        answers={"setting": "Acute medical unit."},
        items=[fpcs["FPC2"]],
        reflection_learned="Troponin timing.",
    )
    assessment.refresh_from_db()
    entry = assessment.entry
    assert entry.title == "Chest pain, re-titled" and entry.reflection_learned == "Troponin timing."
    assert [m.item for m in entry.mappings.all()] == [fpcs["FPC2"]]
    cache.clear()
    services.request_assessment(
        actor=enrolled_trainee, assessment=assessment, name="Dr A", email="a@hospital.example"
    )
    with pytest.raises(services.AssessmentNotChangeable, match="revoke the request"):
        services.update_assessment(
            actor=enrolled_trainee, assessment=assessment, title="Again",
            date=datetime.date(2026, 11, 3), answers={"setting": "x"},
        )  # fmt: skip


def test_the_portfolio_refuses_to_edit_or_delete_an_assessment_entry(assessment, enrolled_trainee):
    with pytest.raises(portfolio.EntryLocked, match="assessment page"):
        portfolio.update_entry(entry=assessment.entry, actor=enrolled_trainee, title="Changed")
    with pytest.raises(portfolio.EntryLocked):
        portfolio.delete_entry(entry=assessment.entry, actor=enrolled_trainee)
