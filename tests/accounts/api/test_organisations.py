"""The caller's organisations, and an organisation's members and their roles, for its admins:
what the organisation list, members and roles pages show and change."""

import pytest

from accounts.models import Membership, Role, Supervision
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import MembershipFactory, OrganisationFactory
from tests.helpers import roles_in

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"
OUTSIDERS = ["trainee", "supervisor", "org_b_admin"]


def members_url(organisation):
    return f"{ORGANISATIONS}{organisation.slug}/members/"


def roles_url(organisation, user_id):
    return f"{members_url(organisation)}{user_id}/roles/"


# --- The caller's organisations --------------------------------------------------------------


def test_each_caller_sees_their_organisations_with_their_roles_there(
    trainee, org_a, org_b, org_b_admin
):
    MembershipFactory(user=trainee, organisation=org_b, role=Role.SUPERVISOR)
    MembershipFactory(user=trainee, organisation=org_b, role=Role.TRAINEE)
    OrganisationFactory(slug="not-theirs")

    listed = client_for(trainee).get(ORGANISATIONS).json()["results"]

    assert [(o["slug"], o["roles"]) for o in listed] == [
        (org_b.slug, ["supervisor", "trainee"]),
        (org_a.slug, ["trainee"]),
    ]
    assert set(listed[0]) == {"slug", "name", "kind", "website", "roles"}
    assert [
        (o["slug"], o["roles"])
        for o in client_for(org_b_admin).get(ORGANISATIONS).json()["results"]
    ] == [(org_b.slug, ["admin"])]


def test_the_list_costs_the_same_for_five_organisations_as_for_one(
    trainee, django_assert_num_queries
):
    client = client_for(trainee)
    # The count, the page, and the caller's roles in the organisations on it.
    with django_assert_num_queries(3):
        assert len(client.get(ORGANISATIONS).json()["results"]) == 1
    for _ in range(4):
        MembershipFactory(user=trainee, organisation=OrganisationFactory(), role=Role.TRAINEE)
    with django_assert_num_queries(3):
        assert len(client.get(ORGANISATIONS).json()["results"]) == 5


# --- Members -----------------------------------------------------------------------------------


def test_an_admin_lists_each_member_once_with_their_roles_here(
    org_a, org_b, org_admin, trainee, supervisor
):
    MembershipFactory(user=trainee, organisation=org_a, role=Role.SUPERVISOR)
    MembershipFactory(user=trainee, organisation=org_b, role=Role.ADMIN)
    member(org_b, Role.TRAINEE, email="elsewhere@example.org")

    response = client_for(org_admin).get(members_url(org_a))

    assert response.status_code == 200
    rows = {row["email"]: row for row in response.json()["results"]}
    assert set(rows) == {org_admin.email, trainee.email, supervisor.email}
    assert rows[trainee.email] == {
        "id": trainee.pk,
        "full_name": trainee.full_name,
        "email": trainee.email,
        "roles": ["supervisor", "trainee"],
    }


def test_the_members_list_costs_the_same_however_many_members(
    org_a, org_admin, django_assert_num_queries
):
    client = client_for(org_admin)
    # The organisation for its admin, the count, the page, and the members' roles here.
    with django_assert_num_queries(4):
        client.get(members_url(org_a))
    for _ in range(20):
        member(org_a, Role.TRAINEE)
    with django_assert_num_queries(4):
        assert len(client.get(members_url(org_a)).json()["results"]) == 21


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_to_anyone_but_its_admins_the_members_do_not_exist(request, org_a, trainee, persona):
    client = client_for(request.getfixturevalue(persona))

    assert_error(client.get(members_url(org_a)), 404, "not_found")
    response = client.put(roles_url(org_a, trainee.pk), {"roles": ["admin"]}, format="json")
    assert_error(response, 404, "not_found")
    assert roles_in(org_a, trainee) == {Role.TRAINEE}


def test_an_unknown_organisation_is_not_found(org_admin):
    assert_error(client_for(org_admin).get(f"{ORGANISATIONS}no-such-place/members/"), 404)


def test_signed_out_callers_get_401(org_a):
    assert_error(client_for().get(ORGANISATIONS), 401)
    assert_error(client_for().get(members_url(org_a)), 401)


# --- Roles -------------------------------------------------------------------------------------


def test_an_admin_sets_a_members_roles_and_the_log_says_what_changed(org_a, org_admin, trainee):
    response = client_for(org_admin).put(
        roles_url(org_a, trainee.pk), {"roles": ["supervisor", "admin"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["roles"] == ["admin", "supervisor"]
    assert roles_in(org_a, trainee) == {Role.SUPERVISOR, Role.ADMIN}
    (entry,) = audited("change_roles")
    assert (entry["actor_id"], entry["object_id"]) == (org_admin.pk, str(trainee.pk))
    assert entry["payload"] == {
        "organisation": org_a.pk,
        "added": ["admin", "supervisor"],
        "removed": ["trainee"],
    }


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([], "Choose at least one role."),
        (["trainee"], "An organisation needs at least one admin."),
    ],
    ids=["none", "last-admin"],
)
def test_the_pages_refusals_are_field_errors(org_a, org_admin, roles, message):
    response = client_for(org_admin).put(
        roles_url(org_a, org_admin.pk), {"roles": roles}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"roles": [message]}
    assert roles_in(org_a, org_admin) == {Role.ADMIN}
    assert not audited("change_roles")


def test_a_role_that_does_not_exist_is_refused(org_a, org_admin, trainee):
    response = client_for(org_admin).put(
        roles_url(org_a, trainee.pk), {"roles": ["trainee", "dean"]}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["roles"]


def test_a_role_that_a_running_supervision_needs_stays(org_a, org_admin, trainee, supervisor):
    response = client_for(org_admin).put(
        roles_url(org_a, supervisor.pk), {"roles": ["trainee"]}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert "End those supervisions" in error["fields"]["roles"][0]
    assert Supervision.objects.filter(supervisor=supervisor).exists()
    assert roles_in(org_a, supervisor) == {Role.SUPERVISOR}


def test_an_admin_may_step_down_when_another_remains(org_a, org_admin):
    other = member(org_a, Role.ADMIN, email="second.admin@example.org")
    client = client_for(org_admin)

    response = client.put(roles_url(org_a, org_admin.pk), {"roles": ["supervisor"]}, format="json")

    assert response.status_code == 200, response.content
    assert Membership.objects.filter(organisation=org_a, role=Role.ADMIN).get().user == other
    # No longer an admin: the organisation's administration no longer exists for them.
    assert_error(client.get(members_url(org_a)), 404)


@pytest.mark.parametrize("whom", ["outsider", "nobody", "not-an-id"])
def test_only_the_organisations_members_have_roles_to_set(org_a, org_b, org_admin, whom):
    ids = {
        "outsider": member(org_b, Role.TRAINEE).pk,
        "nobody": 987654,
        "not-an-id": "null",
    }
    response = client_for(org_admin).put(
        roles_url(org_a, ids[whom]), {"roles": ["trainee"]}, format="json"
    )

    assert_error(response, 404, "not_found")
    assert not audited("change_roles")
