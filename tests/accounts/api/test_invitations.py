"""An organisation's invitations, for its admins: listed as the members page lists them, sent
as the invite page sends them (the email goes out once the request commits), and revoked."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Role
from core.hashing import sha256
from tests.accounts.api.conftest import audited, client_for
from tests.accounts.conftest import invitation_named_by, links_in, make_invitation
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

OUTSIDERS = ["trainee", "supervisor", "org_b_admin"]


def invitations_url(organisation):
    return f"/api/v1/organisations/{organisation.slug}/invitations/"


def revoke_url(invitation):
    return f"{invitations_url(invitation.organisation)}{invitation.pk}/revoke/"


@pytest.fixture
def invite(admin_api, org_a, django_capture_on_commit_callbacks):
    """Invite through the API as A's admin, running the work queued on commit."""

    def invite(body):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_api.post(invitations_url(org_a), body, format="json")

    return invite


def test_an_admin_invites_someone_and_the_email_with_its_link_goes_out(invite, org_a, org_admin):
    response = invite({"email": "New.Doctor@Example.org", "role": "supervisor"})

    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get()
    body = response.json()
    assert (body["id"], body["email"], body["role"], body["status"]) == (
        invitation.pk,
        "new.doctor@example.org",
        "supervisor",
        "pending",
    )
    assert body["invited_by"] == {
        "id": org_admin.pk,
        "full_name": org_admin.full_name,
        "email": org_admin.email,
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.doctor@example.org"]
    assert [invitation_named_by(path) for path in links_in(mail.outbox[0])] == [invitation]
    (entry,) = audited("invite_member")
    assert entry["actor_id"] == org_admin.pk
    assert entry["payload"]["email_sha256"] == sha256("new.doctor@example.org")


def test_the_role_is_trainee_unless_said(invite):
    assert invite({"email": "someone@example.org"}).json()["role"] == "trainee"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": "someone@example.org", "role": "dean"}, "role"),
        ({}, "email"),
    ],
    ids=["bad-email", "unknown-role", "empty"],
)
def test_an_invalid_invitation_is_refused_by_field(invite, body, field):
    error = assert_error(invite(body), 400, "invalid")

    assert list(error["fields"]) == [field]
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_someone_who_already_holds_the_role_is_not_invited_to_it(invite, trainee):
    error = assert_error(invite({"email": trainee.email, "role": "trainee"}), 400, "invalid")

    assert error["fields"] == {"email": [f"{trainee.email} is already a trainee here."]}


def test_the_list_holds_pending_invitations_newest_first(admin_api, org_a, org_b):
    older = make_invitation(org_a, email="older@example.org")
    newer = make_invitation(org_a, email="newer@example.org")
    make_invitation(org_a, email="revoked@example.org", revoked_at=timezone.now())
    make_invitation(org_a, email="expired@example.org", expires_at=timezone.now())
    make_invitation(org_b, email="elsewhere@example.org")

    listed = admin_api.get(invitations_url(org_a)).json()["results"]

    assert [i["id"] for i in listed] == [newer.pk, older.pk]
    assert listed[0]["sent_at"] is None  # made here without the email


def test_the_list_costs_the_same_however_many_invitations(
    admin_api, org_a, org_admin, django_assert_num_queries
):
    make_invitation(org_a, email="first@example.org", invited_by=org_admin)
    # The organisation for its admin, the count, and the page with who invited each.
    with django_assert_num_queries(3):
        admin_api.get(invitations_url(org_a))
    for n in range(10):
        make_invitation(org_a, email=f"person{n}@example.org", invited_by=org_admin)
    with django_assert_num_queries(3):
        assert len(admin_api.get(invitations_url(org_a)).json()["results"]) == 11


def test_an_admin_revokes_a_pending_invitation_and_its_link_stops_working(
    admin_api, org_a, org_admin
):
    invitation = make_invitation(org_a, role=Role.SUPERVISOR)

    response = admin_api.post(revoke_url(invitation))

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    (entry,) = audited("revoke_invitation")
    assert entry["payload"] == {"organisation": org_a.pk, "role": "supervisor"}


@pytest.mark.parametrize(
    "state",
    [
        {"revoked_at": timezone.now()},
        {"accepted_at": timezone.now()},
        {"expires_at": timezone.now() - timedelta(days=1)},
    ],
    ids=["revoked", "accepted", "expired"],
)
def test_only_a_pending_invitation_is_revoked(admin_api, org_a, state):
    invitation = make_invitation(org_a, **state)

    error = assert_error(admin_api.post(revoke_url(invitation)), 409, "conflict")

    assert error["message"] == "Only a pending invitation can be revoked."
    assert not audited("revoke_invitation")


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_to_anyone_but_its_admins_the_invitations_do_not_exist(request, org_a, persona):
    invitation = make_invitation(org_a)
    client = client_for(request.getfixturevalue(persona))

    assert_error(client.get(invitations_url(org_a)), 404, "not_found")
    response = client.post(invitations_url(org_a), {"email": "x@example.org"}, format="json")
    assert_error(response, 404, "not_found")
    assert_error(client.post(revoke_url(invitation)), 404, "not_found")
    assert Invitation.objects.get().status == "pending"


def test_another_organisations_invitation_is_not_found_through_ones_own(admin_api, org_a, org_b):
    theirs = make_invitation(org_b)

    response = admin_api.post(f"{invitations_url(org_a)}{theirs.pk}/revoke/")

    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.status == "pending"
