"""The Django admin shows memberships, supervisions and invitations but changes none of them;
an organisation's first admin is made with `manage.py add_org_admin`, through the service."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import services
from accounts.models import Membership, Role
from audit.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import audit_intact, roles_in, sign_in_as_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(client, db):
    sign_in_as_staff(client, UserFactory(is_staff=True, is_superuser=True))
    return client


def organisation_form(org, **inline):
    """The organisation's change form as the admin posts it, with one membership row."""
    return {
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind,
        "website": "",
        "contact_email": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **{f"memberships-0-{field}": value for field, value in inline.items()},
    }


def test_the_organisation_page_shows_its_members_read_only(support, org_a, org_admin):
    response = support.get(reverse("admin:accounts_organisation_change", args=[org_a.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert str(org_admin) in html
    assert 'name="memberships-0-role"' not in html


def test_a_membership_posted_through_the_admin_is_not_made(support, org_a, trainee):
    response = support.post(
        reverse("admin:accounts_organisation_change", args=[org_a.pk]),
        organisation_form(org_a, user=trainee.pk, role=Role.ADMIN),
    )

    assert response.status_code == 302
    assert roles_in(org_a, trainee) == {Role.TRAINEE}
    assert not AuditEntry.objects.exists()


def test_the_admin_cannot_delete_an_organisation_and_its_memberships(support, org_a, org_admin):
    response = support.post(
        reverse("admin:accounts_organisation_delete", args=[org_a.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Membership.objects.filter(organisation=org_a, user=org_admin).exists()


@pytest.mark.parametrize("model", ["supervision", "invitation"])
def test_supervisions_and_invitations_cannot_be_added_in_the_admin(support, model):
    assert support.get(reverse(f"admin:accounts_{model}_add")).status_code == 403


# --- add_org_admin ------------------------------------------------------------------------------


def add_org_admin(*args):
    out = StringIO()
    call_command("add_org_admin", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_new_organisation_gets_its_first_admin_as_the_system():
    org = OrganisationFactory(slug="new-trust")
    person = UserFactory(email="lead@example.org")

    out = add_org_admin("new-trust", "LEAD@example.org")

    assert "lead@example.org is an admin of" in out
    assert roles_in(org, person) == {Role.ADMIN}
    assert list(AuditEntry.objects.values_list("actor_id", "action", "payload")) == [
        (None, "change_roles", {"organisation": org.pk, "added": ["admin"], "removed": []})
    ]
    assert audit_intact() == 1


def test_the_new_admin_keeps_the_roles_they_hold(org_a, supervisor):
    add_org_admin(org_a.slug, supervisor.email)
    add_org_admin(org_a.slug, supervisor.email)

    assert roles_in(org_a, supervisor) == {Role.SUPERVISOR, Role.ADMIN}
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    "slug, email, problem",
    [
        ("no-such-org", "trainee@example.org", "No organisation with the slug no-such-org"),
        ("org-a", "nobody@example.org", "No active user with the email address nobody@"),
    ],
)
def test_add_org_admin_refuses_an_unknown_organisation_or_person(trainee, slug, email, problem):
    with pytest.raises(CommandError, match=problem):
        add_org_admin(slug, email)

    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "persona, roles, rule",
    [
        ("org_admin", {Role.TRAINEE}, "An organisation needs at least one admin."),
        ("supervisor", {Role.ADMIN}, "still supervises trainees here"),
        ("trainee", {Role.ADMIN}, "is still supervised here"),
    ],
)
def test_the_system_is_held_to_the_same_rules_as_an_admin(
    request, org_a, supervisor, persona, roles, rule
):
    person = request.getfixturevalue(persona)
    before = roles_in(org_a, person)

    with pytest.raises(ValidationError, match=rule):
        services.set_member_roles(organisation=org_a, user=person, roles=roles, actor=None)

    assert roles_in(org_a, person) == before
    assert not AuditEntry.objects.exists()
