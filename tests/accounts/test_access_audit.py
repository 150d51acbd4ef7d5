"""Every change that grants or removes access to private data writes exactly one audit entry,
naming who did it, with ids, roles and dates but never an address or a token in clear; and the
chain still verifies."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Role, Supervision
from audit.models import AuditEntry
from core.hashing import sha256
from tests.accounts.conftest import NEW_PASSWORD, make_invitation
from tests.conftest import member
from tests.helpers import audit_intact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def entries() -> list[dict]:
    """The audit entries written so far, as the fields a test compares; the chain holding
    them verifies."""
    written = list(
        AuditEntry.objects.values("actor_id", "action", "object_type", "object_id", "payload")
    )
    assert audit_intact() == len(written)
    return written


def the_only_entry() -> dict:
    (written,) = entries()
    return written


def entry(actor, action, obj, payload) -> dict:
    return {
        "actor_id": actor.pk if actor else None,
        "action": action,
        "object_type": obj._meta.model_name,
        "object_id": str(obj.pk),
        "payload": payload,
    }


# --- Roles -----------------------------------------------------------------------------------


def test_changing_roles_writes_one_entry_with_the_roles_added_and_removed(
    org_a, org_admin, trainee
):
    services.set_member_roles(
        organisation=org_a, user=trainee, roles={Role.SUPERVISOR, Role.ADMIN}, actor=org_admin
    )

    assert the_only_entry() == entry(
        org_admin,
        "change_roles",
        trainee,
        {"organisation": org_a.pk, "added": ["admin", "supervisor"], "removed": ["trainee"]},
    )


def test_saving_the_same_roles_writes_nothing(org_a, org_admin, trainee):
    services.set_member_roles(
        organisation=org_a, user=trainee, roles={Role.TRAINEE}, actor=org_admin
    )

    assert not AuditEntry.objects.exists()


def test_a_refused_change_writes_nothing(org_a, org_admin):
    with pytest.raises(ValidationError):
        services.set_member_roles(
            organisation=org_a, user=org_admin, roles={Role.TRAINEE}, actor=org_admin
        )

    assert not AuditEntry.objects.exists()


def test_the_roles_page_records_the_admin_who_made_the_change(client, org_a, org_admin, trainee):
    client.force_login(org_admin)

    client.post(
        reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]),
        {"roles": [Role.TRAINEE, Role.SUPERVISOR]},
    )

    assert the_only_entry() == entry(
        org_admin,
        "change_roles",
        trainee,
        {"organisation": org_a.pk, "added": ["supervisor"], "removed": []},
    )


# --- Invitations -----------------------------------------------------------------------------


def test_inviting_records_a_hash_of_the_address_not_the_address(org_a, org_admin):
    invitation = services.invite_member(
        organisation=org_a, email=" New.Person@Example.org ", role=Role.TRAINEE, actor=org_admin
    )

    recorded = the_only_entry()
    assert recorded == entry(
        org_admin,
        "invite_member",
        invitation,
        {
            "organisation": org_a.pk,
            "role": "trainee",
            "email_sha256": sha256("new.person@example.org"),
            "expires_at": invitation.expires_at.isoformat(),
            "replaces": [],
        },
    )
    assert "new.person" not in str(recorded).lower()


def test_a_new_invitation_records_the_one_it_replaces(org_a, org_admin):
    first = make_invitation(org_a)

    services.invite_member(organisation=org_a, email=first.email, role=first.role, actor=org_admin)

    assert the_only_entry()["payload"]["replaces"] == [first.pk]


def test_revoking_an_invitation_writes_one_entry(org_a, org_admin):
    invitation = make_invitation(org_a, role=Role.SUPERVISOR)

    services.revoke_invitation(invitation=invitation, actor=org_admin)

    assert the_only_entry() == entry(
        org_admin,
        "revoke_invitation",
        invitation,
        {"organisation": org_a.pk, "role": "supervisor"},
    )


def test_accepting_an_invitation_is_recorded_as_the_invited_person(org_a, trainee):
    invitation = make_invitation(org_a, email=trainee.email, role=Role.SUPERVISOR)

    services.accept_invitation(invitation=invitation, actor=trainee)

    assert the_only_entry() == entry(
        trainee,
        "accept_invitation",
        invitation,
        {"organisation": org_a.pk, "role": "supervisor"},
    )


def test_signing_up_from_an_invitation_is_recorded_as_the_new_account(org_a):
    invitation = make_invitation(org_a)

    user = services.create_account_from_invitation(
        invitation=invitation, actor=AnonymousUser(), full_name="Dr New", password=NEW_PASSWORD
    )

    assert the_only_entry() == entry(
        user, "accept_invitation", invitation, {"organisation": org_a.pk, "role": "trainee"}
    )


# --- Supervision -----------------------------------------------------------------------------


def test_starting_a_supervision_writes_one_entry_with_its_people_and_dates(
    org_a, org_admin, trainee
):
    supervisor = member(org_a, Role.SUPERVISOR)
    start, end = TODAY(), TODAY() + timedelta(days=120)

    supervision = services.start_supervision(
        organisation=org_a,
        supervisor=supervisor,
        trainee=trainee,
        kind=Supervision.Kind.CLINICAL,
        start_date=start,
        end_date=end,
        actor=org_admin,
    )

    assert the_only_entry() == entry(
        org_admin,
        "start_supervision",
        supervision,
        {
            "organisation": org_a.pk,
            "supervisor": supervisor.pk,
            "trainee": trainee.pk,
            "kind": "clinical",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
    )


def test_ending_a_supervision_writes_one_entry_with_the_end(org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)

    services.end_supervision(supervision=supervision, end_date=TODAY(), actor=org_admin)

    assert the_only_entry() == entry(
        org_admin,
        "end_supervision",
        supervision,
        {"end_date": TODAY().isoformat(), "planned_end_date": None},
    )


# --- Personal access tokens ------------------------------------------------------------------


def test_making_a_token_records_its_key_never_the_token(trainee):
    token, secret = services.create_personal_access_token(
        user=trainee, name="CI", expires_in=timedelta(days=30), actor=trainee
    )

    recorded = the_only_entry()
    assert recorded == entry(
        trainee,
        "create_token",
        trainee,
        {"token_key": token.token_key, "expiry": token.expiry.isoformat()},
    )
    assert secret not in str(recorded)
    assert token.digest not in str(recorded)


def test_revoking_a_token_writes_one_entry(trainee):
    token, _ = services.create_personal_access_token(
        user=trainee, name="CI", expires_in=None, actor=trainee
    )

    services.revoke_personal_access_token(token=token, actor=trainee)

    _, revoke = entries()
    assert revoke == entry(trainee, "revoke_token", trainee, {"token_key": token.token_key})


# --- The chain -------------------------------------------------------------------------------


def test_a_run_of_access_changes_leaves_a_chain_that_verifies(
    org_a, org_admin, trainee, other_trainee
):
    supervisor = member(org_a, Role.SUPERVISOR)
    services.set_member_roles(
        organisation=org_a, user=other_trainee, roles={Role.SUPERVISOR}, actor=org_admin
    )
    supervision = services.start_supervision(
        organisation=org_a,
        supervisor=supervisor,
        trainee=trainee,
        kind=Supervision.Kind.EDUCATIONAL,
        start_date=TODAY(),
        actor=org_admin,
    )
    services.end_supervision(supervision=supervision, end_date=TODAY(), actor=org_admin)
    invitation = services.invite_member(
        organisation=org_a, email=trainee.email, role=Role.ADMIN, actor=org_admin
    )
    services.accept_invitation(invitation=invitation, actor=trainee)
    token, _ = services.create_personal_access_token(
        user=trainee, name="CI", expires_in=None, actor=trainee
    )
    services.revoke_personal_access_token(token=token, actor=trainee)

    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "change_roles",
        "start_supervision",
        "end_supervision",
        "invite_member",
        "accept_invitation",
        "create_token",
        "revoke_token",
    ]
    assert audit_intact() == 7
