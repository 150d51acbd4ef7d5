"""Awarding: the demo badge classes award as described, stack in one run, stay idempotent,
and cost the same queries whatever the trainee's history."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from badges.models import Award, BadgeClass, PendingEvaluation, Progress
from badges.services import awarding
from badges.services import badge_classes as badge_class_services
from notifications import services as notification_services
from portfolio.models import LearningEntry
from teaching import services as teaching
from teaching.demo import create_teaching_programme

pytestmark = pytest.mark.django_db


def held(trainee):
    return set(
        Award.objects.standing()
        .filter(recipient=trainee)
        .values_list("badge_class__slug", flat=True)
    )


def progress(trainee, slug):
    row = Progress.objects.get(trainee=trainee, badge_class__slug=slug)
    return (row.current, row.target, row.label)


REGULAR = "signed-off social media entries"


def test_journal_club_badges_stack_in_one_run(
    badge_classes, add, sign_off, enrolled_trainee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(add(1))
    assert held(enrolled_trainee) == {"journal-club-contributor"}
    assert progress(enrolled_trainee, "journal-club-regular") == (1, 5, REGULAR)

    # The regular badge counts only contributions a supervisor has signed off.
    with django_capture_on_commit_callbacks(execute=True):
        contributions = add(3)
    assert progress(enrolled_trainee, "journal-club-regular") == (1, 5, REGULAR)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(contributions)
    assert "journal-club-regular" not in held(enrolled_trainee)
    assert progress(enrolled_trainee, "journal-club-regular") == (4, 5, REGULAR)

    # The fifth contribution is also the first hosted: regular and host come in the same run.
    with django_capture_on_commit_callbacks(execute=True):
        hosted = add(1, tags=["host"])
    assert "journal-club-host" not in held(enrolled_trainee)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(hosted)
    assert {"journal-club-regular", "journal-club-host"} <= held(enrolled_trainee)


def test_fifteen_curriculum_e_learning_modules(
    badge_classes, add, sign_off, enrolled_trainee, fpcs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(add(14, kind="elearning", title="e-LfH module", items=[fpcs["FPC12"]]))
        sign_off(add(3, kind="elearning", title="Unmapped module"))
        last = add(1, kind="elearning", title="e-LfH module", items=[fpcs["FPC3"]])
    assert held(enrolled_trainee) == {"elearning-starter"}
    assert progress(enrolled_trainee, "elearning-fifteen") == (
        14,
        15,
        "signed-off curriculum e-learning modules",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(last)
    assert "elearning-fifteen" in held(enrolled_trainee)


def test_attendance_at_80_percent_of_mandatory_sessions(
    badge_classes, org_a, org_admin, enrolled_trainee
):
    sessions = create_teaching_programme(org_a, admin=org_admin)
    for session in sessions[:3]:
        teaching.mark_register(session=session, trainees=[enrolled_trainee], actor=org_admin)
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert "teaching-attendee" in held(enrolled_trainee)
    assert "st-elsewhere-fy-teaching" not in held(enrolled_trainee)
    assert progress(enrolled_trainee, "st-elsewhere-fy-teaching") == (3, 4, "sessions attended")
    teaching.mark_register(session=sessions[3], trainees=[enrolled_trainee], actor=org_admin)
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert "st-elsewhere-fy-teaching" in held(enrolled_trainee)
    award = Award.objects.get(
        recipient=enrolled_trainee, badge_class__slug="st-elsewhere-fy-teaching"
    )
    assert award.achieved["rule"] == {
        "type": "attendance",
        "programme": sessions[0].programme.name,
        "attended": 4,
        "sessions": 5,
        "mandatory_only": True,
    }
    # Attending logged the learning entries, once each.
    assert (
        LearningEntry.objects.filter(trainee=enrolled_trainee, kind="teaching_attended").count()
        == 4
    )


def test_educator_super_badge_needs_the_staff_award_for_impact(
    badge_classes, add, enrolled_trainee, org_admin
):
    add(1, kind="teaching_delivered", title="Peer teaching: ECGs")
    add(1, kind="teaching_delivered", title="Ran the FY1 bleep teaching", tags=["organiser"])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert {"peer-teacher", "teaching-programme-lead"} <= held(enrolled_trainee)
    assert "educator" not in held(enrolled_trainee)
    awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="teaching-impact"),
        recipient=enrolled_trainee,
        narrative="Audit showed faster antibiotics.",
        actor=org_admin,
    )
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert "educator" in held(enrolled_trainee)


def test_awarding_twice_makes_one_award(badge_classes, add, enrolled_trainee):
    add(1)
    first = awarding.evaluate_awards(trainee=enrolled_trainee)
    again = awarding.evaluate_awards(trainee=enrolled_trainee)
    assert [a.badge_class.slug for a in first] == ["journal-club-contributor"] and again == []
    badge_class = BadgeClass.objects.get(slug="journal-club-contributor")
    assert awarding.award_badge(badge_class=badge_class, recipient=enrolled_trainee) == first[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            badge_class=badge_class, recipient=enrolled_trainee, recipient_email="x@example.org"
        )


def test_a_revocation_sticks_until_staff_award_the_badge_again(
    badge_classes, add, enrolled_trainee, org_admin
):
    add(1)
    award = awarding.evaluate_awards(trainee=enrolled_trainee)[0]
    awarding.revoke_award(award=award, actor=org_admin, reason="Entry was not genuine")
    add(1)
    assert awarding.evaluate_awards(trainee=enrolled_trainee) == []
    assert "journal-club-contributor" not in held(enrolled_trainee)
    again = awarding.award_badge(
        badge_class=award.badge_class, recipient=enrolled_trainee, actor=org_admin
    )
    assert again.pk != award.pk and "journal-club-contributor" in held(enrolled_trainee)


def test_an_issuer_badges_only_its_own_members(badge_classes, org_b):
    from tests.conftest import member

    outsider = member(org_b, "trainee", email="outsider@example.org")
    from portfolio import services as portfolio_services

    portfolio_services.log_entry(
        actor=outsider,
        trainee=outsider,
        kind="social_media",
        title="Journal club",
        date="2026-11-01",
    )
    assert awarding.evaluate_awards(trainee=outsider) == []


@pytest.mark.django_db(transaction=True)
def test_an_evaluation_that_earns_several_badges_commits_once(
    badge_classes, add, sign_off, enrolled_trainee, monkeypatch
):
    """The awards, their audit entries and notices, the progress and the cleared request
    commit together: one commit however many badges a run earns, not one for each."""
    # Nothing runs on a commit here (evaluations, signing, emails): only the run below.
    for module in (awarding, notification_services):
        monkeypatch.setattr(module, "enqueue_after_commit", lambda task, *args: None)
    sign_off(add(4))
    sign_off(add(1, tags=["host"]))
    with CaptureQueriesContext(connection) as queries:
        awarded = awarding.run_evaluation(trainee_id=enrolled_trainee.pk)
    assert {award.badge_class.slug for award in awarded} == {
        "journal-club-contributor",
        "journal-club-regular",
        "journal-club-host",
    }
    ends = [q["sql"] for q in queries if q["sql"] in ("COMMIT", "ROLLBACK")]
    assert ends == ["COMMIT"]
    assert held(enrolled_trainee) == {a.badge_class.slug for a in awarded}
    assert not PendingEvaluation.objects.filter(trainee=enrolled_trainee).exists()


def evaluation_queries(trainee):
    with CaptureQueriesContext(connection) as queries:
        awarding.evaluate_awards(trainee=trainee)
    return len(queries)


def test_evaluation_costs_the_same_queries_for_1_and_2000_entries(
    badge_classes, enrolled_trainee, fpcs
):
    def bulk(count):
        LearningEntry.objects.bulk_create(
            LearningEntry(
                trainee=enrolled_trainee, kind="reading", title=f"Paper {i}", date="2026-10-01"
            )
            for i in range(count)
        )

    bulk(1)
    one = evaluation_queries(enrolled_trainee)
    bulk(1999)
    many = evaluation_queries(enrolled_trainee)
    assert one == many


def test_saving_an_entry_records_a_pending_evaluation_in_the_same_transaction(
    badge_classes, add, enrolled_trainee
):
    # No on-commit callbacks run here, as when the broker is unreachable.
    add(1)
    assert PendingEvaluation.objects.filter(trainee=enrolled_trainee).exists()
    assert held(enrolled_trainee) == set()
    from badges.tasks import run_pending_evaluations

    PendingEvaluation.objects.update(requested_at="2026-01-01T00:00:00Z")
    assert run_pending_evaluations() == 1
    assert held(enrolled_trainee) == {"journal-club-contributor"}
    assert not PendingEvaluation.objects.exists()


def test_a_new_rule_reaches_trainees_who_already_qualify(
    badge_classes, add, enrolled_trainee, org_a, org_admin, django_capture_on_commit_callbacks
):
    add(2, kind="reading", title="NICE sepsis guideline")
    awarding.evaluate_awards(trainee=enrolled_trainee)
    with django_capture_on_commit_callbacks(execute=True):
        badge_class_services.create_badge_class(
            issuer=org_a.issuer,
            actor=org_admin,
            slug="reader",
            name="Reader",
            description="Read two guidelines.",
            criteria="Log two readings.",
            rule={"type": "event_count", "min": 2, "kinds": ["reading"]},
        )
    assert "reader" in held(enrolled_trainee)
    assert not PendingEvaluation.objects.exists()
