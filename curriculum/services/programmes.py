"""Programmes, enrolments and requirements, changed only by the admins of the programme's
organisation (or by the system: seed data and management commands, as actor None).

An enrolment lets the programme's admins and the trainee's supervisors follow the trainee's
progress, so starting and ending one is in the audit log, as is every change to what a
programme requires."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import selectors as account_selectors
from accounts.models import Organisation, Role
from audit import services as audit
from core import dated
from core.hashing import sha256
from curriculum import selectors
from curriculum.models import Enrolment, Item, Programme, Requirement

REQUIREMENT_LEVELS = ("leaves", "roots")


def _refuse_unless_admin(actor, organisation_id: int) -> None:
    """Refused first, so that someone who may not manage the programme learns nothing from
    the answer, not even that their input was invalid."""
    if actor is not None and not account_selectors.is_admin_of(actor, organisation_id):
        raise PermissionDenied("Only the organisation's admins manage its programmes.")


def _lock(programme: Programme) -> None:
    """Changes to one programme take turns. Each checks something another could be changing
    at the same moment: the frameworks (before requiring an item, or dropping a framework)
    or a trainee's enrolments (before enrolling them again)."""
    Programme.objects.select_for_update().get(pk=programme.pk)


def _programme_payload(programme: Programme, frameworks) -> dict:
    return {
        "organisation": programme.organisation_id,
        "name_sha256": sha256(programme.name),
        "frameworks": sorted(framework.pk for framework in frameworks),
        "start_date": programme.start_date,
        "end_date": programme.end_date,
    }


def _enrolment_payload(enrolment: Enrolment) -> dict:
    return {
        "programme": enrolment.programme_id,
        "trainee": enrolment.trainee_id,
        "start_date": enrolment.start_date,
        "end_date": enrolment.end_date,
    }


def _requirement_payload(requirement: Requirement) -> dict:
    return {
        "programme": requirement.programme_id,
        "item": requirement.item_id,
        "min_entries": requirement.min_entries,
        "signed_off_required": requirement.signed_off_required,
    }


@transaction.atomic
def create_programme(
    *,
    actor,
    organisation: Organisation,
    name: str,
    frameworks,
    start_date: date,
    end_date: date | None = None,
) -> Programme:
    _refuse_unless_admin(actor, organisation.pk)
    dated.check_dates(start_date, end_date)
    programme = Programme.objects.create(
        organisation=organisation, name=name, start_date=start_date, end_date=end_date
    )
    programme.frameworks.set(frameworks)
    audit.append(
        actor=actor,
        action="create_programme",
        obj=programme,
        payload=_programme_payload(programme, frameworks),
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return programme


@transaction.atomic
def update_programme(
    *,
    actor,
    programme: Programme,
    name: str,
    frameworks,
    start_date: date,
    end_date: date | None = None,
) -> Programme:
    _refuse_unless_admin(actor, programme.organisation_id)
    dated.check_dates(start_date, end_date)
    _lock(programme)
    dropped = set(programme.frameworks.values_list("pk", flat=True)) - {f.pk for f in frameworks}
    if dropped and selectors.requirements_on_frameworks(programme, dropped).exists():
        raise ValidationError(
            {
                "frameworks": "Remove the requirements on a framework's items "
                "before removing the framework."
            }
        )
    programme.name, programme.start_date, programme.end_date = name, start_date, end_date
    programme.save(update_fields=["name", "start_date", "end_date"])
    programme.frameworks.set(frameworks)
    audit.append(
        actor=actor,
        action="update_programme",
        obj=programme,
        payload=_programme_payload(programme, frameworks),
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return programme


@transaction.atomic
def enrol_trainee(
    *, actor, programme: Programme, trainee, start_date: date, end_date: date | None = None
) -> Enrolment:
    _refuse_unless_admin(actor, programme.organisation_id)
    dated.check_dates(start_date, end_date)
    if not account_selectors.has_role(trainee, programme.organisation_id, Role.TRAINEE):
        raise ValidationError(
            {"trainee": f"{trainee} is not a trainee in {programme.organisation}."}
        )
    _lock(programme)
    if selectors.enrolments_sharing_a_day(programme, trainee, start_date, end_date).exists():
        raise ValidationError({"trainee": f"{trainee} is already enrolled in this programme."})
    enrolment = Enrolment.objects.create(
        programme=programme, trainee=trainee, start_date=start_date, end_date=end_date
    )
    audit.append(
        actor=actor,
        action="enrol_trainee",
        obj=enrolment,
        payload=_enrolment_payload(enrolment),
        chain=audit.user_chain(enrolment.trainee_id),
    )
    return enrolment


@transaction.atomic
def end_enrolment(*, actor, enrolment: Enrolment, end_date: date) -> Enrolment:
    _refuse_unless_admin(actor, enrolment.programme.organisation_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    enrolment = dated.end_on(enrolment, end_date, noun="enrolment")
    audit.append(
        actor=actor,
        action="end_enrolment",
        obj=enrolment,
        payload=_enrolment_payload(enrolment),
        chain=audit.user_chain(enrolment.trainee_id),
    )
    return enrolment


@transaction.atomic
def set_requirement(
    *, actor, programme: Programme, item: Item, min_entries: int, signed_off_required: bool
) -> Requirement:
    """Require `item`, or change what is required of it if it already is."""
    _refuse_unless_admin(actor, programme.organisation_id)
    _lock(programme)
    if not programme.frameworks.filter(pk=item.framework_id).exists():
        raise ValidationError({"item": "That item is not in one of this programme's frameworks."})
    requirement, _ = Requirement.objects.update_or_create(
        programme=programme,
        item=item,
        defaults={"min_entries": min_entries, "signed_off_required": signed_off_required},
    )
    audit.append(
        actor=actor,
        action="set_requirement",
        obj=requirement,
        payload=_requirement_payload(requirement),
        chain=audit.organisation_chain(programme.organisation_id),
    )
    return requirement


@transaction.atomic
def require_level(
    *, actor, programme: Programme, level: str, min_entries: int, signed_off_required: bool
) -> int:
    """Require every top-level item ("roots"), or every item without sub-items ("leaves"), of
    the programme's frameworks. Items already required keep their settings. Returns how many
    were added."""
    _refuse_unless_admin(actor, programme.organisation_id)
    if level not in REQUIREMENT_LEVELS:
        raise ValidationError({"level": f"Choose one of {', '.join(REQUIREMENT_LEVELS)}."})
    _lock(programme)
    new = [
        Requirement(
            programme=programme,
            item=item,
            min_entries=min_entries,
            signed_off_required=signed_off_required,
        )
        for item in selectors.unrequired_items_at_level(programme, level)
    ]
    Requirement.objects.bulk_create(new)
    if new:
        audit.append(
            actor=actor,
            action="require_level",
            obj=programme,
            payload={
                "level": level,
                "min_entries": min_entries,
                "signed_off_required": signed_off_required,
                "items": sorted(requirement.item_id for requirement in new),
            },
            chain=audit.organisation_chain(programme.organisation_id),
        )
    return len(new)


@transaction.atomic
def remove_requirement(*, actor, requirement: Requirement) -> None:
    _refuse_unless_admin(actor, requirement.programme.organisation_id)
    # Logged first: the entry names the requirement by its id, which deleting clears.
    audit.append(
        actor=actor,
        action="remove_requirement",
        obj=requirement,
        payload=_requirement_payload(requirement),
        chain=audit.organisation_chain(requirement.programme.organisation_id),
    )
    requirement.delete()
