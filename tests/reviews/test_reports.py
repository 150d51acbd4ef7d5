"""The educational supervisor's report: started by the trainee's educational supervisor,
saved as a draft, signed with every required question answered, then locked and audited as
a sign-off is, with the trainee's counts and coverage kept as they were when signed."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from reviews import selectors, services
from reviews.models import SupervisorReport

pytestmark = pytest.mark.django_db

ANSWERS = {
    "overall_progress": "Steady progress on the acute medical take.",
    "strengths": "Calm under pressure; clear handovers.",
    "development_needs": "More DOPS; lead a teaching session.",
    "recommendation": "Satisfactory progress",
}


@pytest.fixture
def report(enrolment, educational_supervisor):
    return services.start_report(actor=educational_supervisor, enrolment=enrolment)


def save(report, actor, answers=ANSWERS, **period):
    return services.save_report(
        actor=actor,
        report=report,
        answers=answers,
        period_start=period.get("period_start", report.period_start),
        period_end=period.get("period_end", report.period_end),
    )


def test_the_educational_supervisor_starts_a_draft_for_the_enrolment(
    report, enrolment, educational_supervisor, frozen_today
):
    assert report.state == SupervisorReport.State.DRAFT and not report.is_locked
    assert report.trainee == enrolment.trainee and report.supervisor == educational_supervisor
    # From when the supervision (and the enrolment) began, to today.
    assert report.period_start == enrolment.start_date and report.period_end == frozen_today
    assert [q["key"] for q in report.questions] == list(ANSWERS)
    assert AuditEntry.objects.get(action="start_report").chain == f"user:{report.trainee_id}"


def test_starting_again_finds_the_draft(report, enrolment, educational_supervisor):
    again = services.start_report(actor=educational_supervisor, enrolment=enrolment)
    assert again == report and SupervisorReport.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["clinical_supervisor", "enrolled_trainee", "org_admin", "other_trainee"]
)
def test_only_an_educational_supervisor_today_writes_one(request, persona, enrolment):
    with pytest.raises(PermissionDenied):
        services.start_report(actor=request.getfixturevalue(persona), enrolment=enrolment)


def test_a_draft_may_be_saved_half_written(report, educational_supervisor):
    saved = save(report, educational_supervisor, answers={"strengths": "Kind."})
    assert saved.answers == {"strengths": "Kind."}
    assert AuditEntry.objects.filter(action="edit_report").count() == 1


def test_answers_are_checked_by_question(report, educational_supervisor):
    with pytest.raises(ValidationError) as refused:
        save(report, educational_supervisor, answers={"recommendation": "Top marks", "mood": "x"})
    errors = refused.value.message_dict
    assert errors["recommendation"][0].startswith("Choose one of: Satisfactory progress")
    assert errors["answers"] == ["Not questions of this report: mood."]


def test_the_period_stays_within_the_enrolment(report, educational_supervisor, enrolment):
    with pytest.raises(ValidationError) as refused:
        save(
            report,
            educational_supervisor,
            period_start=enrolment.start_date - timedelta(days=1),
            period_end=enrolment.start_date - timedelta(days=2),
        )
    assert set(refused.value.message_dict) == {"period_start", "period_end"}


def test_only_its_supervisor_changes_a_draft(report, clinical_supervisor):
    with pytest.raises(PermissionDenied):
        save(report, clinical_supervisor)


def test_signing_needs_every_required_answer(report, educational_supervisor):
    save(report, educational_supervisor, answers={"strengths": "Kind."})
    with pytest.raises(ValidationError) as refused:
        services.sign_report(actor=educational_supervisor, report=report)
    assert set(refused.value.message_dict) == {
        "overall_progress",
        "development_needs",
        "recommendation",
    }
    report.refresh_from_db()
    assert report.state == SupervisorReport.State.DRAFT


def test_signing_locks_the_report_and_audits_its_hash_as_a_sign_off(
    report, educational_supervisor, enrolment
):
    save(report, educational_supervisor)
    signed = services.sign_report(actor=educational_supervisor, report=report)

    assert signed.is_locked and signed.signed_at is not None
    assert signed.content_hash == services.content_hash(SupervisorReport.objects.get())
    logged = AuditEntry.objects.get(action="sign_report")
    assert logged.actor_id == educational_supervisor.pk
    assert logged.chain == f"user:{enrolment.trainee_id}"
    assert logged.payload == {"content_sha256": signed.content_hash, "enrolment": enrolment.pk}


def test_a_signed_report_refuses_every_change(report, educational_supervisor):
    save(report, educational_supervisor)
    services.sign_report(actor=educational_supervisor, report=report)

    with pytest.raises(services.ReportLocked):
        save(report, educational_supervisor, answers={**ANSWERS, "strengths": "Changed."})
    with pytest.raises(services.ReportLocked):
        services.sign_report(actor=educational_supervisor, report=report)
    assert SupervisorReport.objects.get().answers == ANSWERS


def test_the_counts_are_kept_as_signed(
    report, educational_supervisor, completed_assessment, frozen_today, log, fpcs
):
    completed_assessment("cbd", frozen_today - timedelta(days=3), items=[fpcs["FPC1"]])
    log(title="Sepsis teaching", date=frozen_today - timedelta(days=2), cpd_credits=2)
    save(report, educational_supervisor)
    signed = services.sign_report(actor=educational_supervisor, report=report)

    summary = signed.summary
    assert summary["entries"] == 2 and summary["signed_off"] == 0
    assert {a["type"]: a["completed"] for a in summary["assessments"]}["cbd"] == 1
    assert summary["cpd"]["credits"] == "2.00" and summary["cpd"]["target"] == 50
    assert summary["coverage"]["programme"] == report.enrolment.programme.name

    completed_assessment("cbd", frozen_today - timedelta(days=1))
    assert SupervisorReport.objects.get().summary == summary


def test_a_supervisor_whose_supervision_ended_can_no_longer_sign(
    report, educational_supervisor, frozen_today
):
    save(report, educational_supervisor)
    supervision = educational_supervisor.supervisions_given.get()
    supervision.end_date = frozen_today - timedelta(days=1)
    supervision.save()

    with pytest.raises(PermissionDenied):
        services.sign_report(actor=educational_supervisor, report=report)


def test_who_sees_a_report(
    report, educational_supervisor, clinical_supervisor, enrolled_trainee, org_admin,
    org_b_admin, other_trainee,
):  # fmt: skip
    def seen_by(user):
        return set(selectors.reports_visible_to(user))

    assert seen_by(educational_supervisor) == {report}
    for nobody_yet in (clinical_supervisor, enrolled_trainee, org_admin):
        assert seen_by(nobody_yet) == set()

    save(report, educational_supervisor)
    services.sign_report(actor=educational_supervisor, report=report)
    for reader in (educational_supervisor, clinical_supervisor, enrolled_trainee, org_admin):
        assert seen_by(reader) == {report}
    for stranger in (org_b_admin, other_trainee):
        assert seen_by(stranger) == set()
