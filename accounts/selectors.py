"""Reads of people, organisations and supervision, scoped to what the asking user may see."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PersonalAccessToken,
    Role,
    Supervision,
    User,
)
from core.access import get_or_404

INVITATION_SALT = "waymark.accounts.invitation"


def roles_of(user) -> set[str]:
    """Every role the user holds in any organisation (one query)."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())


def roles_of_request(request) -> set[str]:
    """The signed-in user's roles, read once per request: the navigation and the page both
    ask."""
    if not hasattr(request, "_roles"):
        request._roles = roles_of(request.user)
    return request._roles


def roles_in(organisation: Organisation, user) -> set[str]:
    """The roles the user holds in one organisation."""
    return set(
        Membership.objects.filter(organisation=organisation, user=user).values_list(
            "role", flat=True
        )
    )


def active_user_with_email(email: str) -> User | None:
    """The account that signs in with this address, if it may still sign in."""
    return User.objects.filter(email__iexact=email, is_active=True).first()


def account_exists(email: str) -> bool:
    """Whether an account signs in with, or has verified, this address."""
    return User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).exists()


def organisations_administered_by(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ADMIN
    ).distinct()


def organisations_of(user) -> QuerySet[Organisation]:
    """The organisations the user holds any role in, each with `roles_held`: the user's own
    memberships there, fetched with one more query however many organisations there are."""
    return (
        Organisation.objects.filter(memberships__user=user)
        .distinct()
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(user=user).order_by("role"),
                to_attr="roles_held",
            )
        )
    )


def has_role(user, organisation, role: str) -> bool:
    """Whether `user` holds `role` in the organisation (given as itself or its id)."""
    return Membership.objects.filter(organisation=organisation, user=user, role=role).exists()


def is_admin_of(user, organisation) -> bool:
    """Whether `user` administers the organisation (given as itself or its id): the test every
    change to what an organisation runs must pass — its members, invitations, supervisions,
    programmes, teaching and badges."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.admins().filter(organisation=organisation, user=user).exists()


def access_organisation_for_admin(user, slug: str) -> Organisation:
    """The organisation, if `user` administers it. Anyone else gets a 404, so that the
    existence of another organisation's admin pages is not revealed."""
    try:
        return organisations_administered_by(user).get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404("No such organisation.") from None


def members_of(organisation: Organisation) -> QuerySet[User]:
    """Users with any role in the organisation, each with `org_memberships` prefetched."""
    return (
        User.objects.filter(memberships__organisation=organisation)
        .distinct()
        .order_by("full_name", "email")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organisation=organisation),
                to_attr="org_memberships",
            )
        )
    )


def access_member(organisation: Organisation, user_id) -> User:
    return get_or_404(members_of(organisation), "No such member.", pk=user_id)


def users_with_role(organisation: Organisation, role: str) -> QuerySet[User]:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=role
    ).order_by("full_name", "email")


def supervisions_in(organisation: Organisation) -> QuerySet[Supervision]:
    # The id breaks ties between supervisions starting the same day, so pages are stable.
    return (
        Supervision.objects.filter(organisation=organisation)
        .select_related("supervisor", "trainee")
        .order_by("-start_date", "-pk")
    )


def access_supervision(organisation: Organisation, supervision_id) -> Supervision:
    return get_or_404(supervisions_in(organisation), "No such supervision.", pk=supervision_id)


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    # Newest first; the id orders invitations made in the same instant, so pages are stable.
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def access_invitation(organisation: Organisation, invitation_id) -> Invitation:
    return get_or_404(invitations_of(organisation), "No such invitation.", pk=invitation_id)


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


def invitations_left_unsent(created_before) -> QuerySet[Invitation]:
    """Pending invitations made before the moment whose email never went out."""
    return Invitation.objects.pending().filter(sent_at__isnull=True, created_at__lt=created_before)


def is_invited_address(*, invitation: Invitation, user) -> bool:
    """Whether `user` may accept `invitation`: it was sent to the address they sign in
    with, or to another address of theirs that they have verified."""
    if user is None or not user.is_authenticated:
        return False
    email = invitation.email.lower()
    return (
        user.email.lower() == email
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


def is_active_supervisor(supervisor, trainee) -> bool:
    """Whether `supervisor` supervises `trainee` today, in any organisation: the one test of
    a supervisor's access to a trainee's portfolio."""
    return Supervision.objects.active().filter(supervisor=supervisor, trainee=trainee).exists()


def supervised_trainee_ids(supervisor):
    """Trainees the user supervises today (a subquery)."""
    return Supervision.objects.active().filter(supervisor=supervisor).values("trainee")


def active_supervisors_of(trainee) -> QuerySet[Supervision]:
    return (
        Supervision.objects.active()
        .filter(trainee=trainee)
        .select_related("supervisor", "organisation")
    )


def current_supervisors(trainee) -> QuerySet[User]:
    """The people supervising the trainee today: those a trainee may ask for sign-off."""
    ids = Supervision.objects.active().filter(trainee=trainee).values("supervisor")
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def active_trainees_of(supervisor) -> QuerySet[Supervision]:
    return (
        Supervision.objects.active()
        .filter(supervisor=supervisor)
        .select_related("trainee", "organisation")
    )


def user_with_memberships(user) -> User:
    """The signed-in user with their roles and organisations, for the API's /me."""
    return User.objects.prefetch_related("memberships__organisation").get(pk=user.pk)


def tokens_of(user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user)


def access_token(user, token_key: str) -> PersonalAccessToken:
    token = tokens_of(user).filter(token_key=token_key).first()
    if token is None:
        raise Http404("No such token.")
    return token
