"""Who supervises whom: supervision gives a supervisor access to a trainee's entries, so
only the organisation's admins start and end it, and the audit log keeps every change."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import selectors
from accounts.models import Organisation, Role, Supervision, User
from accounts.services.organisations import refuse_unless_admin
from audit import services as audit
from core import dated


@transaction.atomic
def start_supervision(
    *,
    organisation: Organisation,
    supervisor: User,
    trainee: User,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    actor: User | None,
) -> Supervision:
    refuse_unless_admin(actor, organisation)
    errors = {}
    if not selectors.has_role(supervisor, organisation, Role.SUPERVISOR):
        errors["supervisor"] = f"{supervisor} is not a supervisor in {organisation}."
    if not selectors.has_role(trainee, organisation, Role.TRAINEE):
        errors["trainee"] = f"{trainee} is not a trainee in {organisation}."
    if end_date and end_date < start_date:
        errors["end_date"] = dated.END_BEFORE_START
    # Any day in common with another supervision of the same kind between the same people
    # makes this one a duplicate, including one that is planned to start later.
    overlapping = Supervision.objects.filter(
        dated.sharing_a_day_with(start_date, end_date),
        organisation=organisation,
        supervisor=supervisor,
        trainee=trainee,
        kind=kind,
    )
    if overlapping.exists():
        errors["trainee"] = "This supervision already exists. End it before starting another."
    if supervisor == trainee:
        errors["trainee"] = "Nobody can supervise themselves."
    if errors:
        raise ValidationError(errors)
    supervision = Supervision.objects.create(
        organisation=organisation,
        supervisor=supervisor,
        trainee=trainee,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
    )
    audit.append(
        actor=actor,
        action="start_supervision",
        obj=supervision,
        payload={
            "organisation": organisation.pk,
            "supervisor": supervisor.pk,
            "trainee": trainee.pk,
            "kind": kind,
            "start_date": start_date.isoformat(),
            "end_date": end_date.isoformat() if end_date else None,
        },
        chain=audit.user_chain(supervision.trainee_id),
    )
    return supervision


@transaction.atomic
def end_supervision(*, supervision: Supervision, end_date: date, actor: User | None) -> Supervision:
    refuse_unless_admin(actor, supervision.organisation)
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    planned_end = supervision.end_date
    dated.end_on(supervision, end_date, noun="supervision")
    audit.append(
        actor=actor,
        action="end_supervision",
        obj=supervision,
        payload={
            "end_date": end_date.isoformat(),
            "planned_end_date": planned_end.isoformat() if planned_end else None,
        },
        chain=audit.user_chain(supervision.trainee_id),
    )
    return supervision
