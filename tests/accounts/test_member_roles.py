"""The members page and changing a member's roles."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Role, Supervision
from tests.conftest import member
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import assert_inline_error, roles_in

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate


# --- Members and roles -----------------------------------------------------------------------


def test_the_members_page_lists_each_member_once_with_all_their_roles(
    client, org_a, org_admin, trainee, org_b
):
    MembershipFactory(user=trainee, organisation=org_a, role=Role.SUPERVISOR)
    MembershipFactory(user=trainee, organisation=org_b, role=Role.ADMIN)
    client.force_login(org_admin)

    response = client.get(reverse("accounts:members", args=[org_a.slug]))

    members = list(response.context["page"].object_list)
    assert members.count(trainee) == 1
    row = next(m for m in members if m == trainee)
    assert sorted(m.role for m in row.org_memberships) == [Role.SUPERVISOR, Role.TRAINEE]


def test_the_members_page_lists_pending_invitations_only(client, org_a, org_admin):
    later = timezone.now() + timedelta(days=3)
    pending = Invitation.objects.create(
        organisation=org_a, email="pending@example.org", role=Role.TRAINEE, expires_at=later
    )
    Invitation.objects.create(
        organisation=org_a,
        email="revoked@example.org",
        role=Role.TRAINEE,
        expires_at=later,
        revoked_at=timezone.now(),
    )
    client.force_login(org_admin)

    response = client.get(reverse("accounts:members", args=[org_a.slug]))

    assert list(response.context["invitations"]) == [pending]
    assert "revoked@example.org" not in response.content.decode()


def test_an_admin_changes_a_members_roles(client, org_a, org_admin, trainee):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]),
        {"roles": [Role.SUPERVISOR, Role.ADMIN]},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:members", args=[org_a.slug])
    assert set(
        Membership.objects.filter(organisation=org_a, user=trainee).values_list("role", flat=True)
    ) == {Role.SUPERVISOR, Role.ADMIN}


def test_the_roles_form_starts_with_the_members_current_roles(client, org_a, org_admin, trainee):
    MembershipFactory(user=trainee, organisation=org_a, role=Role.SUPERVISOR)
    client.force_login(org_admin)

    response = client.get(reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]))

    assert response.context["form"]["roles"].value() == [Role.SUPERVISOR, Role.TRAINEE]


def test_changing_roles_in_one_organisation_leaves_the_others_alone(
    client, org_a, org_b, org_admin, trainee
):
    MembershipFactory(user=trainee, organisation=org_b, role=Role.TRAINEE)
    client.force_login(org_admin)

    client.post(
        reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]),
        {"roles": [Role.SUPERVISOR]},
    )

    assert Membership.objects.filter(user=trainee, organisation=org_b, role=Role.TRAINEE).exists()


def test_removing_the_last_admin_is_refused_next_to_the_roles(client, org_a, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, org_admin.pk]), {"roles": [Role.TRAINEE]}
    )

    assert response.status_code == 200
    assert_inline_error(response, "roles", "An organisation needs at least one admin.")
    assert set(
        Membership.objects.filter(organisation=org_a, user=org_admin).values_list("role", flat=True)
    ) == {Role.ADMIN}


def test_an_admin_may_step_down_when_another_admin_remains(client, org_a, org_admin):
    member(org_a, Role.ADMIN, email="second.admin@example.org")
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, org_admin.pk]),
        {"roles": [Role.SUPERVISOR]},
    )

    # They can no longer open the members page, so they land on their organisations list
    # rather than on a "not found" page.
    assert response.status_code == 302
    assert response.url == reverse("accounts:organisation_list")
    assert not Membership.objects.admins().filter(organisation=org_a, user=org_admin).exists()
    assert client.get(response.url).status_code == 200


def test_one_admin_may_demote_another(client, org_a, org_admin):
    second = member(org_a, Role.ADMIN, email="second.admin@example.org")
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, second.pk]), {"roles": [Role.TRAINEE]}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:members", args=[org_a.slug])
    assert list(Membership.objects.admins().filter(organisation=org_a)) == list(
        Membership.objects.filter(organisation=org_a, user=org_admin)
    )


def test_choosing_no_role_is_refused_next_to_the_roles(client, org_a, org_admin, trainee):
    client.force_login(org_admin)

    response = client.post(reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]), {})

    assert response.status_code == 200
    assert_inline_error(response, "roles", "Choose at least one role.")
    assert Membership.objects.filter(organisation=org_a, user=trainee, role=Role.TRAINEE).exists()


def test_an_unknown_role_is_refused_next_to_the_roles(client, org_a, org_admin, trainee):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]), {"roles": ["superuser"]}
    )

    assert response.status_code == 200
    assert_inline_error(response, "roles", "Select a valid choice.")


def test_a_supervisor_role_is_kept_while_they_still_supervise(client, org_a, org_admin, supervisor):
    client.force_login(org_admin)
    url = reverse("accounts:member_roles", args=[org_a.slug, supervisor.pk])

    response = client.post(url, {"roles": [Role.TRAINEE]})

    assert response.status_code == 200
    assert_inline_error(response, "roles", "End those supervisions before removing")
    assert roles_in(org_a, supervisor) == {Role.SUPERVISOR}

    Supervision.objects.filter(supervisor=supervisor).update(end_date=TODAY() - timedelta(1))
    assert client.post(url, {"roles": [Role.TRAINEE]}).status_code == 302
    assert roles_in(org_a, supervisor) == {Role.TRAINEE}


def test_a_trainee_role_is_kept_while_they_are_still_supervised(
    client, org_a, org_admin, supervisor, trainee
):
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:member_roles", args=[org_a.slug, trainee.pk]),
        {"roles": [Role.SUPERVISOR]},
    )

    assert response.status_code == 200
    assert_inline_error(response, "roles", "is still supervised here.")
    assert roles_in(org_a, trainee) == {Role.TRAINEE}


def test_the_roles_service_refuses_a_role_that_does_not_exist(org_a, org_admin, trainee):
    with pytest.raises(ValidationError) as error:
        services.set_member_roles(
            organisation=org_a, user=trainee, roles={"superuser"}, actor=org_admin
        )

    assert "roles" in error.value.message_dict
    assert roles_in(org_a, trainee) == {Role.TRAINEE}


def test_a_non_member_has_no_roles_page(client, org_a, org_admin):
    stranger = UserFactory()
    client.force_login(org_admin)

    response = client.get(reverse("accounts:member_roles", args=[org_a.slug, stranger.pk]))

    assert response.status_code == 404
