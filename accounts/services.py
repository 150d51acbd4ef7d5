"""Every change to people, organisations and supervision goes through a function here."""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PersonalAccessToken,
    Role,
    Supervision,
    User,
)
from core import dated
from core.tasks import enqueue_after_commit

INVITATION_SALT = "waymark.accounts.invitation"


# --- Invitations -------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, or None if the link was tampered with."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    return Invitation.objects.select_related("organisation").filter(pk=pk).first()


def invite_member(
    *, organisation: Organisation, email: str, role: str, invited_by: User
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role
    ).exists():
        raise ValidationError({"email": f"{email} is already a {Role(role).label.lower()} here."})
    with transaction.atomic():
        # A second invitation for the same address and role replaces the first, so that
        # only the newest link works.
        Invitation.objects.pending().filter(
            organisation=organisation, email__iexact=email, role=role
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        from accounts.tasks import send_invitation

        enqueue_after_commit(send_invitation, invitation.pk)
    return invitation


def send_invitation_email(*, invitation_id: int) -> bool:
    """Email the invitation link once. Returns False if there was nothing to send."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.pending()
            # Lock only the invitation: PostgreSQL cannot lock the nullable side of the
            # outer join to the inviter.
            .select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        context = {"invitation": invitation, "url": invitation_url(invitation)}
        send_mail(
            subject=f"You are invited to join {invitation.organisation.name} on Waymark",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


def revoke_invitation(*, invitation: Invitation) -> None:
    if invitation.status != "pending":
        raise ValidationError("Only a pending invitation can be revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def is_invited_address(*, invitation: Invitation, user: User) -> bool:
    """Whether `user` may accept `invitation`: it was sent to the address they sign in
    with, or to another address of theirs that they have verified."""
    if not user.is_authenticated:
        return False
    email = invitation.email.lower()
    return (
        user.email.lower() == email
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError(f"This invitation is {invitation.status}.")
    if not is_invited_address(invitation=invitation, user=user):
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def create_account_from_invitation(
    *, invitation: Invitation, full_name: str, password: str
) -> User:
    """Create the invitee's account. Following the emailed link proves they own the
    address, so it is stored as verified."""
    # Another account may have verified this address as a second one (allauth allows
    # several per account); it owns the address, and a second verified copy is refused by
    # the database.
    if (
        User.objects.filter(email__iexact=invitation.email).exists()
        or EmailAddress.objects.filter(email__iexact=invitation.email, verified=True).exists()
    ):
        raise ValidationError("An account with this email address already exists. Sign in instead.")
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    accept_invitation(invitation=invitation, user=user)
    return user


# --- Roles and supervision ---------------------------------------------------------------


@transaction.atomic
def set_member_roles(*, organisation: Organisation, user: User, roles: set[str]) -> None:
    """Give `user` exactly `roles` in the organisation."""
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    if unknown := roles - set(Role.values):
        raise ValidationError({"roles": f"Unknown role: {', '.join(sorted(unknown))}."})
    # Lock the organisation's admin rows so two admins demoting each other at once cannot
    # leave the organisation with none.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("user_id", flat=True)
    )
    if Role.ADMIN not in roles and admins == [user.pk]:
        raise ValidationError({"roles": "An organisation needs at least one admin."})
    # Supervision gives access to a trainee's entries; it must not outlive the role that
    # justifies it, so running and planned supervisions are ended first, on purpose.
    removed = (
        set(
            Membership.objects.filter(organisation=organisation, user=user).values_list(
                "role", flat=True
            )
        )
        - roles
    )
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
    Membership.objects.filter(organisation=organisation, user=user).exclude(role__in=roles).delete()
    for role in roles:
        Membership.objects.get_or_create(organisation=organisation, user=user, role=role)


@transaction.atomic
def start_supervision(
    *,
    organisation: Organisation,
    supervisor: User,
    trainee: User,
    kind: str,
    start_date: date,
    end_date: date | None = None,
) -> Supervision:
    errors = {}
    if not Membership.objects.filter(
        organisation=organisation, user=supervisor, role=Role.SUPERVISOR
    ).exists():
        errors["supervisor"] = f"{supervisor} is not a supervisor in {organisation}."
    if not Membership.objects.filter(
        organisation=organisation, user=trainee, role=Role.TRAINEE
    ).exists():
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
    return Supervision.objects.create(
        organisation=organisation,
        supervisor=supervisor,
        trainee=trainee,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
    )


@transaction.atomic
def end_supervision(*, supervision: Supervision, end_date: date) -> Supervision:
    supervision = Supervision.objects.select_for_update().get(pk=supervision.pk)
    return dated.end_on(supervision, end_date, noun="supervision")


# --- Profile and API tokens ----------------------------------------------------------------


def update_profile(*, user: User, full_name: str, registration_number: str) -> User:
    user.full_name = full_name
    user.registration_number = registration_number
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "registration_number"])
    return user


def create_personal_access_token(
    *, user: User, name: str, expires_in: timedelta | None
) -> tuple[PersonalAccessToken, str]:
    """Returns the token row and the token itself, which is shown once and never stored."""
    return PersonalAccessToken.objects.create(user=user, expiry=expires_in, name=name)


def revoke_personal_access_token(*, token: PersonalAccessToken) -> None:
    token.delete()
