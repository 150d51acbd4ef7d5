"""Writes: forms, starting an assessment, asking an assessor (by ticket or in their queue),
revoking a ticket, and completing an assessment, which locks it."""

import json
import secrets
from datetime import date, timedelta
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import Organisation
from assessments import emails, selectors
from assessments.models import GMC_NUMBER, Assessment, AssessmentForm, Ticket
from assessments.schema import clean_answers, validate_questions
from audit import services as audit
from core.errors import StateConflict
from portfolio import services as portfolio
from portfolio.models import Kind, check_text_length
from portfolio.signals import send_portfolio_changed

BASE_FORMS = Path(__file__).resolve().parent / "data" / "uk-foundation-forms.json"
TICKET_LIFETIME = timedelta(days=14)
# Tickets email people outside Waymark: a cap per trainee keeps an account from being used
# to send mail in bulk. A fixed window in the cache, as check-in attempts are counted.
TICKETS_PER_DAY = 10
TICKET_WINDOW_SECONDS = 24 * 60 * 60


class AssessmentNotChangeable(StateConflict):
    """The assessment's state does not allow this (the API answers 409)."""


class TicketUnusable(StateConflict):
    """The link has been used, revoked or has expired."""


# --- Forms -------------------------------------------------------------------------------------


@transaction.atomic
def install_base_forms() -> int:
    """Waymark's own forms from the data file, created or brought up to date. Returns how
    many there are. Idempotent: seeding and deploys run it as often as they like."""
    data = json.loads(BASE_FORMS.read_text())
    source = data["source"]["url"]
    for form in data["forms"]:
        validate_questions(form["questions"])
        AssessmentForm.objects.update_or_create(
            organisation=None,
            code=form["code"],
            defaults={
                "assessment_type": form["assessment_type"],
                "name": form["name"],
                "description": form["description"],
                "questions": form["questions"],
                "source": source,
            },
        )
    return len(data["forms"])


@transaction.atomic
def extend_form(
    *, actor, organisation: Organisation, base: AssessmentForm, code: str, name: str, questions
) -> AssessmentForm:
    """An organisation's own version of one of Waymark's forms: its questions asked after
    the base form's."""
    if not account_selectors.is_admin_of(actor, organisation):
        raise PermissionDenied("Only the organisation's admins change its forms.")
    if base.organisation_id is not None:
        raise ValidationError({"base": "Extend one of Waymark's own forms."})
    validate_questions(questions, inherited=base.questions)
    if AssessmentForm.objects.filter(organisation=organisation, code=code).exists():
        raise ValidationError({"code": "Your organisation already has a form with this code."})
    form = AssessmentForm.objects.create(
        organisation=organisation,
        base=base,
        code=code,
        assessment_type=base.assessment_type,
        name=name,
        description=base.description,
        questions=questions,
        source=base.source,
    )
    audit.append(
        actor=actor,
        action="extend_form",
        obj=form,
        payload={"base": base.code, "organisation": organisation.pk, "questions": len(questions)},
    )
    return form


# --- The trainee's side ------------------------------------------------------------------------


@transaction.atomic
def start_assessment(
    *, actor, form: AssessmentForm, title: str, date: date, answers: dict, items=(), **reflection
) -> Assessment:
    """A new assessment in the trainee's portfolio: an entry of its own kind (mapped to the
    items chosen) with the trainee's answers, not yet sent to an assessor."""
    answers = clean_answers(form.all_questions(), "trainee", answers)
    entry, _ = portfolio.log_entry(
        actor=actor, kind=Kind.ASSESSMENT, title=title, date=date, items=items, **reflection
    )
    assessment = Assessment.objects.create(
        entry=entry,
        trainee=actor,
        form=form,
        assessment_type=form.assessment_type,
        answers=answers,
    )
    audit.append(
        actor=actor,
        action="start_assessment",
        obj=assessment,
        payload={"entry": entry.pk, "form": form.code},
        chain=audit.user_chain(actor.pk),
    )
    return assessment


def _own_draft(actor, assessment: Assessment) -> Assessment:
    if actor.pk != assessment.trainee_id:
        raise PermissionDenied("Only the trainee changes their assessment.")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != Assessment.State.DRAFT:
        raise AssessmentNotChangeable(
            "This assessment has been sent to its assessor; revoke the request to change it."
            if assessment.state == Assessment.State.REQUESTED
            else "This assessment is completed, so it is locked."
        )
    return assessment


@transaction.atomic
def update_assessment(
    *, actor, assessment: Assessment, title: str, date: date, answers: dict, items=(), **reflection
) -> Assessment:
    """Change the case and reflection before the assessment is sent."""
    assessment = _own_draft(actor, assessment)
    assessment.answers = clean_answers(assessment.form.all_questions(), "trainee", answers)
    assessment.save(update_fields=["answers"])
    entry = assessment.entry
    for name, value in {"title": title, "date": date, **reflection}.items():
        setattr(entry, name, value)
    entry.full_clean(exclude=["trainee", "tags", "items"])
    entry.save()
    portfolio.replace_items(entry, items)
    audit.append(
        actor=actor,
        action="edit_assessment",
        obj=assessment,
        payload={"entry": entry.pk},
        chain=audit.user_chain(actor.pk),
    )
    send_portfolio_changed(trainee_id=actor.pk)
    return assessment


def requests_sent_key(trainee_id: int) -> str:
    """Where the trainee's requests of the last day are counted, in the cache."""
    return f"assessments:tickets:{trainee_id}"


def _count_ticket(trainee_id: int) -> None:
    # Counted before the email is sent and never given back: a failed send still used
    # the allowance, which errs on the side of sending less.
    key = requests_sent_key(trainee_id)
    cache.add(key, 0, TICKET_WINDOW_SECONDS)
    if cache.get(key, 0) >= TICKETS_PER_DAY:
        raise ValidationError(
            {
                "email": f"You have sent {TICKETS_PER_DAY} assessment requests in the last day, "
                "the most Waymark sends. Try again tomorrow."
            }
        )
    cache.incr(key)


@transaction.atomic
def request_assessment(*, actor, assessment: Assessment, name: str, email: str) -> Ticket | None:
    """Ask an assessor to complete the assessment. Someone with a Waymark account finds it
    in their queue and signs in to complete it (returns None); anyone else is emailed a
    one-time link, valid for 14 days (returns the ticket)."""
    assessment = _own_draft(actor, assessment)
    email = email.strip()
    name = name.strip()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter the assessor's email address, like name@nhs.net."
    if not name:
        errors["name"] = "Enter the assessor's name."
    if errors:
        raise ValidationError(errors)
    if email.lower() == actor.email.lower():
        raise ValidationError({"email": "An assessor is someone other than you."})
    _count_ticket(actor.pk)
    assessment.state = Assessment.State.REQUESTED
    assessment.requested_at = timezone.now()
    assessment.assessor_name = name
    assessment.assessor_email = email
    assessor = account_selectors.active_user_with_email(email)
    if assessor is not None:
        assessment.assessor = assessor
        assessment.save()
        audit.append(
            actor=actor,
            action="request_assessment",
            obj=assessment,
            payload={"assessor": assessor.pk, "email": email},
            chain=audit.user_chain(actor.pk),
        )
        emails.notify_assessment_requested(assessment)
        return None
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    ticket = Ticket.objects.create(
        assessment=assessment,
        name=name,
        email=email,
        token_sha256=selectors.token_sha256(token),
        created_by=actor,
        created_at=now,
        expires_at=now + TICKET_LIFETIME,
    )
    assessment.assessor = None
    assessment.save()
    audit.append(
        actor=actor,
        action="send_ticket",
        obj=ticket,
        payload={
            "assessment": assessment.pk,
            "email": email,
            "expires_at": ticket.expires_at.isoformat(),
        },
        chain=audit.user_chain(actor.pk),
    )
    # The token exists only here and in the email: the database keeps its hash, so the
    # email goes from this process once the ticket is committed, never through the broker.
    transaction.on_commit(lambda: emails.send_ticket(ticket.pk, token))
    return ticket


@transaction.atomic
def revoke_request(*, actor, assessment: Assessment) -> Assessment:
    """Take back a request not yet completed: an open link stops working at once, and the
    assessment is a draft again, to change or send to someone else."""
    if actor.pk != assessment.trainee_id:
        raise PermissionDenied("Only the trainee revokes their request.")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != Assessment.State.REQUESTED:
        raise AssessmentNotChangeable(
            "This assessment is completed, so its request cannot be revoked."
            if assessment.state == Assessment.State.COMPLETED
            else "This assessment has not been sent to anyone."
        )
    now = timezone.now()
    ticket = (
        assessment.tickets.select_for_update()
        .filter(used_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if ticket is not None:
        ticket.revoked_at = now
        ticket.save(update_fields=["revoked_at"])
    assessment.state = Assessment.State.DRAFT
    assessment.assessor = None
    assessment.requested_at = None
    assessment.save(update_fields=["state", "assessor", "requested_at"])
    audit.append(
        actor=actor,
        action="revoke_assessment_request",
        obj=assessment,
        payload={"ticket": ticket.pk if ticket else None},
        chain=audit.user_chain(actor.pk),
    )
    return assessment


# --- The assessor's side -----------------------------------------------------------------------


def _assessor_details(role: str, gmc_number: str, comment: str) -> dict:
    errors = {}
    role, gmc_number = role.strip(), "".join(gmc_number.split())
    if not role:
        errors["assessor_role"] = "Enter your role, for example Consultant in acute medicine."
    if gmc_number:
        try:
            GMC_NUMBER(gmc_number)
        except ValidationError as error:
            errors["assessor_gmc_number"] = error.messages
    if errors:
        raise ValidationError(errors)
    check_text_length("assessor_comment", comment)
    return {"assessor_role": role, "assessor_gmc_number": gmc_number, "assessor_comment": comment}


def _complete(
    assessment: Assessment, answers: dict, details: dict, *, by_ticket: bool, actor=None
) -> None:
    assessment.answers = {
        **assessment.answers,
        **clean_answers(assessment.form.all_questions(), "assessor", answers),
    }
    for name, value in details.items():
        setattr(assessment, name, value)
    assessment.by_ticket = by_ticket
    assessment.state = Assessment.State.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.save()
    # The entry leaves the trainee's drafts: their supervisors see it in their entries.
    portfolio.mark_assessed(
        entry=assessment.entry,
        actor=actor,
        payload={"assessment": assessment.pk, "by_ticket": by_ticket},
    )


@transaction.atomic
def complete_by_ticket(
    *,
    token: str,
    assessor_name: str,
    answers: dict,
    assessor_role: str,
    assessor_gmc_number: str = "",
    assessor_comment: str = "",
) -> Assessment:
    """The assessor behind a one-time link completes the assessment, without signing in.
    The link is spent and the assessment locked in the same transaction."""
    digest = selectors.token_sha256(token)
    assessment_id = (
        Ticket.objects.filter(token_sha256=digest).values_list("assessment_id", flat=True).first()
    )
    if assessment_id is None:
        raise TicketUnusable("This link is not valid.")
    # The assessment's row, then the ticket's: the order revoke_request locks them in, so a
    # revocation and a completion at the same moment queue rather than deadlock.
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("form__base")
        .get(pk=assessment_id)
    )
    ticket = Ticket.objects.select_for_update().get(token_sha256=digest)
    if ticket.state != "open":
        raise TicketUnusable(
            {
                "used": "This link has already been used.",
                "revoked": "The trainee has withdrawn this request.",
                "expired": "This link has expired.",
            }[ticket.state]
        )
    details = _assessor_details(assessor_role, assessor_gmc_number, assessor_comment)
    if not assessor_name.strip():
        raise ValidationError({"assessor_name": "Enter your name."})
    details["assessor_name"] = assessor_name.strip()
    _complete(assessment, answers, details, by_ticket=True)
    ticket.used_at = assessment.completed_at
    ticket.save(update_fields=["used_at"])
    audit.append(
        actor=None,
        action="complete_assessment",
        obj=assessment,
        payload={
            "by_ticket": True,
            "ticket": ticket.pk,
            "assessor_name": assessment.assessor_name,
            "assessor_email": ticket.email,
            "gmc_number": assessment.assessor_gmc_number,
        },
        chain=audit.user_chain(assessment.trainee_id),
    )
    emails.notify_assessment_completed(assessment)
    send_portfolio_changed(trainee_id=assessment.trainee_id)
    return assessment


@transaction.atomic
def complete_as_assessor(
    *,
    actor,
    assessment: Assessment,
    answers: dict,
    assessor_role: str,
    assessor_gmc_number: str = "",
    assessor_comment: str = "",
) -> Assessment:
    """The assessor with an account, signed in, completes an assessment in their queue."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("form__base")
        .get(pk=assessment.pk)
    )
    if actor.pk != assessment.assessor_id:
        raise PermissionDenied("Only the assessor asked completes this assessment.")
    if assessment.state != Assessment.State.REQUESTED:
        raise AssessmentNotChangeable("This assessment is no longer waiting for you.")
    details = _assessor_details(assessor_role, assessor_gmc_number, assessor_comment)
    details["assessor_name"] = actor.full_name or actor.email
    _complete(assessment, answers, details, by_ticket=False, actor=actor)
    audit.append(
        actor=actor,
        action="complete_assessment",
        obj=assessment,
        payload={"by_ticket": False, "gmc_number": assessment.assessor_gmc_number},
        chain=audit.user_chain(assessment.trainee_id),
    )
    emails.notify_assessment_completed(assessment)
    send_portfolio_changed(trainee_id=assessment.trainee_id)
    return assessment
