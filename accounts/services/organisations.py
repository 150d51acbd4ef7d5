"""Who belongs to an organisation and in which roles; who may change that."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import selectors
from accounts.models import Membership, Organisation, Role, Supervision, User
from audit import services as audit
from core import dated


def refuse_unless_admin(actor: User | None, organisation: Organisation) -> None:
    """Only an admin of the organisation changes its members, invitations and supervisions.
    `actor=None` is the system itself (a management command, demo seeding), which bootstraps
    organisations that have no admin yet."""
    if actor is not None and not selectors.is_admin_of(actor, organisation):
        raise PermissionDenied(f"Only an admin of {organisation} can do this.")


@transaction.atomic
def set_member_roles(
    *, organisation: Organisation, user: User, roles: set[str], actor: User | None
) -> set[str]:
    """Give `user` exactly `roles` in the organisation, and return them."""
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    if unknown := roles - set(Role.values):
        raise ValidationError({"roles": f"Unknown role: {', '.join(sorted(unknown))}."})
    # Lock the organisation's admin rows so two admins demoting each other at once cannot
    # leave the organisation with none. The actor is checked after the lock: an admin
    # demoted by a change that committed while this one waited may no longer act.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    refuse_unless_admin(actor, organisation)
    if Role.ADMIN not in roles and admins == [user.pk]:
        raise ValidationError({"roles": "An organisation needs at least one admin."})
    current = selectors.roles_in(organisation, user)
    added, removed = roles - current, current - roles
    _refuse_removing_roles_that_supervision_needs(organisation, user, removed)
    Membership.objects.filter(organisation=organisation, user=user, role__in=removed).delete()
    for role in sorted(added):
        Membership.objects.get_or_create(organisation=organisation, user=user, role=role)
    if added or removed:
        audit.append(
            actor=actor,
            action="change_roles",
            obj=user,
            payload={
                "organisation": organisation.pk,
                "added": sorted(added),
                "removed": sorted(removed),
            },
            chain=audit.organisation_chain(organisation.pk),
        )
    return roles


def _refuse_removing_roles_that_supervision_needs(organisation, user, removed: set[str]) -> None:
    # Supervision gives access to a trainee's entries; it must not outlive the role that
    # justifies it, so running and planned supervisions are ended first, on purpose.
    not_ended = Supervision.objects.filter(dated.not_ended(), organisation=organisation)
    errors = []
    if Role.SUPERVISOR in removed and not_ended.filter(supervisor=user).exists():
        errors.append(
            f"{user} still supervises trainees here. "
            "End those supervisions before removing the supervisor role."
        )
    if Role.TRAINEE in removed and not_ended.filter(trainee=user).exists():
        errors.append(
            f"{user} is still supervised here. "
            "End those supervisions before removing the trainee role."
        )
    if errors:
        raise ValidationError({"roles": errors})


@transaction.atomic
def add_organisation_admin(*, organisation: Organisation, user: User, actor: User | None) -> None:
    """Make `user` an admin of the organisation, keeping the roles they already hold: how an
    organisation gets its first admin."""
    roles = selectors.roles_in(organisation, user) | {Role.ADMIN}
    set_member_roles(organisation=organisation, user=user, roles=roles, actor=actor)
