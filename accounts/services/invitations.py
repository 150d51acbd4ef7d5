"""Invitations: sent by an organisation's admins, accepted by the person they were sent to."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import selectors
from accounts.models import Invitation, Membership, Organisation, Role, User
from accounts.services.organisations import refuse_unless_admin
from audit import services as audit
from core.errors import StateConflict
from core.hashing import sha256
from core.tasks import enqueue_after_commit


@transaction.atomic
def invite_member(
    *, organisation: Organisation, email: str, role: str, actor: User | None
) -> Invitation:
    refuse_unless_admin(actor, organisation)
    email = email.strip().lower()
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role
    ).exists():
        raise ValidationError({"email": f"{email} is already a {Role(role).label.lower()} here."})
    # A second invitation for the same address and role replaces the first, so that only
    # the newest link works.
    replaced = Invitation.objects.pending().filter(
        organisation=organisation, email__iexact=email, role=role
    )
    replaced_ids = sorted(replaced.values_list("pk", flat=True))
    replaced.update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit.append(
        actor=actor,
        action="invite_member",
        obj=invitation,
        payload={
            "organisation": organisation.pk,
            "role": role,
            # The log holds no address in clear; its hash still finds a given address.
            "email_sha256": sha256(email),
            "expires_at": invitation.expires_at.isoformat(),
            "replaces": replaced_ids,
        },
        chain=audit.organisation_chain(invitation.organisation_id),
    )
    # tasks.py calls this module, so it is imported here rather than at the top.
    from accounts.tasks import send_invitation

    enqueue_after_commit(send_invitation, invitation.pk)
    return invitation


def send_invitation_email(*, invitation_id: int) -> bool:
    """Email the invitation link once. Returns False if there was nothing to send.

    Only the system runs this, from a task: it delivers what an admin already decided, so
    it takes no actor and writes no audit entry."""
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
        context = {"invitation": invitation, "url": selectors.invitation_url(invitation)}
        send_mail(
            subject=f"You are invited to join {invitation.organisation.name} on Waymark",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor: User | None) -> None:
    refuse_unless_admin(actor, invitation.organisation)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise StateConflict("Only a pending invitation can be revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.append(
        actor=actor,
        action="revoke_invitation",
        obj=invitation,
        payload={"organisation": invitation.organisation_id, "role": invitation.role},
        chain=audit.organisation_chain(invitation.organisation_id),
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, actor: User) -> Membership:
    """`actor` joins the organisation in the invited role. Only the person the invitation
    was sent to may: someone signed in with another address is refused."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise StateConflict(f"This invitation is {invitation.status}.")
    if not selectors.is_invited_address(invitation=invitation, user=actor):
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    membership, _ = Membership.objects.get_or_create(
        user=actor, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.append(
        actor=actor,
        action="accept_invitation",
        obj=invitation,
        payload={"organisation": invitation.organisation_id, "role": invitation.role},
        chain=audit.organisation_chain(invitation.organisation_id),
    )
    return membership


@transaction.atomic
def create_account_from_invitation(
    *, invitation: Invitation, actor, full_name: str, password: str
) -> User:
    """Create the invitee's account and accept the invitation with it. Following the emailed
    link proves the visitor owns the address, so it is stored as verified.

    `actor` is the visitor following the link. Someone already signed in has an account:
    they accept with it, or sign out, rather than make another one from someone's link."""
    if actor is not None and actor.is_authenticated:
        raise PermissionDenied(
            "You are signed in, so this invitation is accepted with your account, not by "
            "creating another one."
        )
    # Another account may have verified this address as a second one (allauth allows
    # several per account); it owns the address, and a second verified copy is refused by
    # the database.
    if selectors.account_exists(invitation.email):
        raise ValidationError("An account with this email address already exists. Sign in instead.")
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    accept_invitation(invitation=invitation, actor=user)
    return user
