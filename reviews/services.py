"""Writes: a programme's review requirements, report questions and review dates (its
organisation's admins), and the educational supervisor's report, started, saved as a
draft, then signed, which locks it.

Signing is audited as a sign-off is: on the trainee's chain, with the SHA-256 of what was
signed, so that the report as signed can be checked against the log for good."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone

from accounts import selectors as account_selectors
from audit import services as audit
from core.errors import StateConflict
from core.hashing import canonical_json, sha256
from curriculum.models import Enrolment, Programme
from reviews import facts, selectors
from reviews.models import AnnualReview, ReportQuestions, ReviewRequirement, SupervisorReport
from reviews.questions import clean_answers, validate_questions


class ReportLocked(StateConflict):
    """The report is signed, so nothing about it changes (the API answers 409)."""

    message = "This report is signed, so it is locked."


def _refuse_unless_admin(actor, programme: Programme) -> None:
    if not account_selectors.is_admin_of(actor, programme.organisation_id):
        raise PermissionDenied("Only the organisation's admins change its programmes' reviews.")


# --- What a programme asks for its annual review (its organisation's admins) -----------------


@transaction.atomic
def set_review_requirement(
    *, actor, programme: Programme, kind: str, target: int, assessment_type: str = ""
) -> ReviewRequirement:
    """Ask each trainee of the programme for `target` of something by their annual review;
    a requirement of the same kind (and assessment type) is replaced."""
    _refuse_unless_admin(actor, programme)
    assessment_type = assessment_type or ""
    errors = {}
    if kind not in ReviewRequirement.Kind.values:
        errors["kind"] = "Choose what the requirement counts."
    elif kind == ReviewRequirement.Kind.ASSESSMENTS and not assessment_type:
        errors["assessment_type"] = "Choose which type of assessment counts."
    elif kind != ReviewRequirement.Kind.ASSESSMENTS and assessment_type:
        errors["assessment_type"] = "Only a count of assessments has a type."
    if not isinstance(target, int) or target < 1:
        errors["target"] = "The target is a whole number, at least 1."
    elif kind == ReviewRequirement.Kind.COVERAGE:
        required = programme.requirements.count()
        if target > required:
            errors["target"] = (
                f"The programme has {required} curriculum requirement"
                f"{'' if required == 1 else 's'}, so at most {required} can be met."
            )
    if errors:
        raise ValidationError(errors)
    requirement, _ = ReviewRequirement.objects.update_or_create(
        programme=programme,
        kind=kind,
        assessment_type=assessment_type,
        defaults={"target": target},
    )
    audit.append(
        actor=actor,
        action="set_review_requirement",
        obj=requirement,
        payload={
            "programme": programme.pk,
            "kind": kind,
            "assessment_type": assessment_type,
            "target": target,
        },
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return requirement


@transaction.atomic
def remove_review_requirement(*, actor, requirement: ReviewRequirement) -> None:
    programme = requirement.programme
    _refuse_unless_admin(actor, programme)
    audit.append(
        actor=actor,
        action="remove_review_requirement",
        obj=requirement,
        payload={
            "programme": programme.pk,
            "kind": requirement.kind,
            "assessment_type": requirement.assessment_type,
        },
        chain=audit.organisation_chain(programme.organisation_id),
    )
    requirement.delete()


@transaction.atomic
def set_report_questions(*, actor, programme: Programme, questions) -> list[dict]:
    """Replace Waymark's default report questions with the programme's own; an empty list
    goes back to the default. Reports already started keep the questions they began with."""
    _refuse_unless_admin(actor, programme)
    if questions:
        validate_questions(questions)
        ReportQuestions.objects.update_or_create(
            programme=programme, defaults={"questions": questions}
        )
    else:
        ReportQuestions.objects.filter(programme=programme).delete()
    audit.append(
        actor=actor,
        action="set_report_questions",
        obj=programme,
        payload={"questions": [q["key"] for q in questions] if questions else "default"},
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return selectors.report_questions_of(programme)


@transaction.atomic
def set_review_date(*, actor, enrolment: Enrolment, review_date: date) -> AnnualReview:
    """The day of the trainee's annual review, which the forecast counts towards."""
    _refuse_unless_admin(actor, enrolment.programme)
    if review_date <= enrolment.start_date:
        raise ValidationError({"review_date": "The review comes after the enrolment starts."})
    review, _ = AnnualReview.objects.update_or_create(
        enrolment=enrolment, defaults={"review_date": review_date, "set_by": actor}
    )
    audit.append(
        actor=actor,
        action="set_review_date",
        obj=review,
        payload={"enrolment": enrolment.pk, "review_date": review_date.isoformat()},
        chain=audit.user_chain(enrolment.trainee_id),
    )
    return review


# --- The educational supervisor's report -----------------------------------------------------


def _refuse_unless_educational_supervisor(actor, trainee) -> None:
    if not selectors.is_active_educational_supervisor(actor, trainee):
        raise PermissionDenied(
            "Only the trainee's educational supervisor, while supervising them, writes this report."
        )


def _check_period(enrolment: Enrolment, start: date, end: date) -> None:
    errors = {}
    if start < enrolment.start_date:
        errors["period_start"] = (
            "The report covers the enrolment, which starts on "
            f"{dateformat.format(enrolment.start_date, 'j F Y')}."
        )
    if end < start:
        errors["period_end"] = "The period ends on or after the day it starts."
    elif enrolment.end_date and end > enrolment.end_date:
        errors["period_end"] = (
            "The enrolment ends on "
            f"{dateformat.format(enrolment.end_date, 'j F Y')}; the report covers no later."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def start_report(
    *, actor, enrolment: Enrolment, period_start: date | None = None, period_end: date | None = None
) -> SupervisorReport:
    """A new draft report on the enrolment's trainee, with the programme's questions. The
    period runs by default from when the supervision (or the enrolment) began to today. A
    supervisor with a draft already on this enrolment gets that draft back."""
    trainee = enrolment.trainee
    _refuse_unless_educational_supervisor(actor, trainee)
    draft = SupervisorReport.objects.drafts().filter(enrolment=enrolment, supervisor=actor).first()
    if draft is not None:
        return draft
    today = timezone.localdate()
    supervised_from = selectors.educational_supervision_start(actor, trainee)
    start = period_start or max(enrolment.start_date, supervised_from or enrolment.start_date)
    end = period_end or max(start, min(today, enrolment.end_date or today))
    _check_period(enrolment, start, end)
    try:
        # A savepoint: two clicks at once make one draft, and the second click gets it.
        with transaction.atomic():
            report = SupervisorReport.objects.create(
                enrolment=enrolment,
                trainee=trainee,
                supervisor=actor,
                questions=selectors.report_questions_of(enrolment.programme),
                period_start=start,
                period_end=end,
            )
    except IntegrityError:
        return SupervisorReport.objects.drafts().get(enrolment=enrolment, supervisor=actor)
    audit.append(
        actor=actor,
        action="start_report",
        obj=report,
        payload={"enrolment": enrolment.pk, "period": [start.isoformat(), end.isoformat()]},
        chain=audit.user_chain(trainee.pk),
    )
    return report


def _own_draft(actor, report: SupervisorReport) -> SupervisorReport:
    """The report's row, locked for the rest of the transaction, if the actor may change it."""
    if actor.pk != report.supervisor_id:
        raise PermissionDenied("Only the supervisor who started the report changes it.")
    report = (
        SupervisorReport.objects.select_for_update(of=("self",))
        .select_related("enrolment__programme", "enrolment__trainee")
        .get(pk=report.pk)
    )
    if report.state != SupervisorReport.State.DRAFT:
        raise ReportLocked(ReportLocked.message)
    _refuse_unless_educational_supervisor(actor, report.trainee_id)
    return report


@transaction.atomic
def save_report(
    *, actor, report: SupervisorReport, answers: dict, period_start: date, period_end: date
) -> SupervisorReport:
    """Save the draft as it stands; questions may be left unanswered until it is signed."""
    report = _own_draft(actor, report)
    report.answers = clean_answers(report.questions, answers, complete=False)
    _check_period(report.enrolment, period_start, period_end)
    report.period_start, report.period_end = period_start, period_end
    report.save(update_fields=["answers", "period_start", "period_end", "updated_at"])
    audit.append(
        actor=actor,
        action="edit_report",
        obj=report,
        payload={"answered": sorted(report.answers)},
        chain=audit.user_chain(report.trainee_id),
    )
    return report


def signed_content(report: SupervisorReport) -> dict:
    """Everything a signature vouches for, as the hash covers it."""
    return {
        "report": str(report.uid),
        "enrolment": str(report.enrolment.uid),
        "trainee": report.trainee_id,
        "supervisor": report.supervisor_id,
        "period": [report.period_start.isoformat(), report.period_end.isoformat()],
        "questions": report.questions,
        "answers": report.answers,
        "summary": report.summary,
        "signed_at": report.signed_at.isoformat(timespec="microseconds"),
    }


def content_hash(report: SupervisorReport) -> str:
    return sha256(canonical_json(signed_content(report)))


@transaction.atomic
def sign_report(*, actor, report: SupervisorReport) -> SupervisorReport:
    """Sign the saved draft: every required question must be answered. The trainee's counts
    and coverage are kept as they are now, and the report is locked for good."""
    report = _own_draft(actor, report)
    report.answers = clean_answers(report.questions, report.answers, complete=True)
    report.summary = facts.report_summary(report.enrolment, report.period_start, report.period_end)
    report.state = SupervisorReport.State.SIGNED
    report.signed_at = timezone.now()
    report.content_hash = content_hash(report)
    report.save()
    audit.append(
        actor=actor,
        action="sign_report",
        obj=report,
        payload={"content_sha256": report.content_hash, "enrolment": report.enrolment_id},
        chain=audit.user_chain(report.trainee_id),
    )
    return report
