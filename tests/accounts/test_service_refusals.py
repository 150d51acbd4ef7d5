"""The services refuse, whoever calls them, what the acting user may not do: only an
organisation's admins change its members, invitations and supervisions; only the invited
person accepts an invitation; only a person changes their own profile and tokens. A refusal
changes nothing and writes nothing to the audit log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, PersonalAccessToken, Role, Supervision
from audit.models import AuditEntry
from tests.accounts.conftest import NEW_PASSWORD, make_invitation
from tests.conftest import member
from tests.helpers import roles_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def scene(org_a, org_admin, trainee, other_trainee, supervisor):
    return {
        "org": org_a,
        "trainee": trainee,
        "other_trainee": other_trainee,
        "supervisor": supervisor,
        "invitation": make_invitation(org_a),
        "supervision": Supervision.objects.get(organisation=org_a),
    }


# What an organisation admin may do, each as a call of its service by `actor`.
ADMIN_ONLY = {
    "invite_member": lambda s, actor: services.invite_member(
        organisation=s["org"], email="intruder@example.org", role=Role.ADMIN, actor=actor
    ),
    "revoke_invitation": lambda s, actor: services.revoke_invitation(
        invitation=s["invitation"], actor=actor
    ),
    "set_member_roles": lambda s, actor: services.set_member_roles(
        organisation=s["org"], user=s["trainee"], roles={Role.TRAINEE, Role.ADMIN}, actor=actor
    ),
    "add_organisation_admin": lambda s, actor: services.add_organisation_admin(
        organisation=s["org"], user=s["other_trainee"], actor=actor
    ),
    "start_supervision": lambda s, actor: services.start_supervision(
        organisation=s["org"],
        supervisor=s["supervisor"],
        trainee=s["other_trainee"],
        kind=Supervision.Kind.EDUCATIONAL,
        start_date=TODAY(),
        actor=actor,
    ),
    "end_supervision": lambda s, actor: services.end_supervision(
        supervision=s["supervision"], end_date=TODAY(), actor=actor
    ),
}


def state_of(org):
    return (
        sorted(Membership.objects.filter(organisation=org).values_list("user_id", "role")),
        sorted(Invitation.objects.filter(organisation=org).values_list("pk", "revoked_at")),
        sorted(Supervision.objects.filter(organisation=org).values_list("pk", "end_date")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
@pytest.mark.parametrize("change", ADMIN_ONLY)
def test_only_an_admin_of_the_organisation_changes_its_members_invitations_and_supervisions(
    request, scene, persona, change
):
    actor = request.getfixturevalue(persona)
    before = state_of(scene["org"])

    with pytest.raises(PermissionDenied, match="Only an admin of"):
        ADMIN_ONLY[change](scene, actor)

    assert state_of(scene["org"]) == before


@pytest.mark.parametrize("persona", ["org_admin", "system"])
@pytest.mark.parametrize("change", ADMIN_ONLY)
def test_the_organisations_admin_and_the_system_may(request, scene, persona, change):
    actor = None if persona == "system" else request.getfixturevalue(persona)

    ADMIN_ONLY[change](scene, actor)

    assert list(AuditEntry.objects.values_list("actor_id", flat=True)) == [
        actor.pk if actor else None
    ]


def test_an_admin_who_has_stepped_down_may_no_longer_act(org_a, org_admin, trainee):
    second = member(org_a, Role.ADMIN)
    services.set_member_roles(
        organisation=org_a, user=org_admin, roles={Role.SUPERVISOR}, actor=second
    )

    with pytest.raises(PermissionDenied):
        services.set_member_roles(
            organisation=org_a, user=second, roles={Role.TRAINEE}, actor=org_admin
        )

    assert Role.ADMIN in roles_in(org_a, second)


# --- Invitations: only the invited person ------------------------------------------------------


def test_someone_signed_in_with_another_address_cannot_accept(org_a, other_trainee):
    invitation = make_invitation(org_a, email="trainee@example.org", role=Role.ADMIN)

    with pytest.raises(PermissionDenied, match="This invitation was sent to trainee@example.org"):
        services.accept_invitation(invitation=invitation, actor=other_trainee)

    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert roles_in(org_a, other_trainee) == {Role.TRAINEE}
    assert not AuditEntry.objects.exists()


def test_nobody_signed_out_accepts_an_invitation(org_a):
    invitation = make_invitation(org_a)

    with pytest.raises(PermissionDenied):
        services.accept_invitation(invitation=invitation, actor=AnonymousUser())

    assert not Membership.objects.filter(organisation=org_a).exists()


def test_someone_signed_in_cannot_make_another_account_from_an_invitation(org_a, trainee):
    invitation = make_invitation(org_a)

    with pytest.raises(PermissionDenied):
        services.create_account_from_invitation(
            invitation=invitation, actor=trainee, full_name="Dr New", password=NEW_PASSWORD
        )

    assert not Membership.objects.filter(user__email="new.person@example.org").exists()
    assert Invitation.objects.get().status == "pending"


# --- A person's own profile and tokens ---------------------------------------------------------


def test_nobody_changes_another_persons_profile(trainee, other_trainee):
    with pytest.raises(PermissionDenied):
        services.update_profile(
            user=trainee, full_name="Someone Else", registration_number="", actor=other_trainee
        )

    trainee.refresh_from_db()
    assert trainee.full_name != "Someone Else"


def test_nobody_makes_a_token_for_someone_else(trainee, other_trainee):
    with pytest.raises(PermissionDenied):
        services.create_personal_access_token(
            user=trainee, name="Borrowed", expires_in=None, actor=other_trainee
        )

    assert not PersonalAccessToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_nobody_revokes_another_persons_token(trainee, other_trainee):
    token, _ = services.create_personal_access_token(
        user=trainee, name="Mine", expires_in=timedelta(days=1), actor=trainee
    )

    with pytest.raises(PermissionDenied):
        services.revoke_personal_access_token(token=token, actor=other_trainee)

    assert PersonalAccessToken.objects.filter(pk=token.pk).exists()
    assert AuditEntry.objects.filter(action="revoke_token").count() == 0


def test_nobody_revokes_another_persons_tokens_as_after_a_password_change(trainee, other_trainee):
    token, _ = services.create_personal_access_token(
        user=trainee, name="Mine", expires_in=None, actor=trainee
    )

    with pytest.raises(PermissionDenied):
        services.revoke_tokens_after_password_change(
            user=trainee, how="change", actor=other_trainee
        )

    assert PersonalAccessToken.objects.filter(pk=token.pk).exists()
