"""Reads of people, organisations and supervision, scoped to what the asking user may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PersonalAccessToken,
    Role,
    Supervision,
    User,
)


def roles_of(user) -> set[str]:
    """Every role the user holds in any organisation (one query)."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())


def account_exists(email: str) -> bool:
    """Whether an account signs in with, or has verified, this address."""
    return User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).exists()


def organisations_of(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct()


def organisations_administered_by(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.ADMIN
    ).distinct()


def administers(user, organisation) -> bool:
    """Whether `user` is an admin of the organisation (given as itself or its id): the one
    test services apply before changing what an organisation runs."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organisation=organisation, role=Role.ADMIN).exists()


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


def access_member(organisation: Organisation, user_id: int) -> User:
    try:
        return members_of(organisation).get(pk=user_id)
    except User.DoesNotExist:
        raise Http404("No such member.") from None


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


def access_supervision(organisation: Organisation, supervision_id: int) -> Supervision:
    try:
        return supervisions_in(organisation).get(pk=supervision_id)
    except Supervision.DoesNotExist:
        raise Http404("No such supervision.") from None


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")


def access_invitation(organisation: Organisation, invitation_id: int) -> Invitation:
    try:
        return invitations_of(organisation).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


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


def tokens_of(user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user)


def access_token(user, token_key: str) -> PersonalAccessToken:
    token = tokens_of(user).filter(token_key=token_key).first()
    if token is None:
        raise Http404("No such token.")
    return token
