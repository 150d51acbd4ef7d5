"""Inviting people to an organisation: the page, the email and its link, revoking, and the
periodic sweep of emails left unsent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Role
from accounts.tasks import UNSENT_GRACE, send_pending_invitations
from core.errors import StateConflict
from tests.accounts.conftest import invitation_named_by, link_path, links_in, make_invitation
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


# --- Inviting --------------------------------------------------------------------------------


def test_inviting_by_email_sends_a_link_to_the_address(invite, org_a, org_admin):
    response = invite("New.Person@Example.org", Role.SUPERVISOR)

    assert response.status_code == 302
    assert response.url == reverse("accounts:members", args=[org_a.slug])
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new.person@example.org", Role.SUPERVISOR)
    assert invitation.invited_by == org_admin
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["new.person@example.org"]
    assert org_a.name in email.subject
    assert [invitation_named_by(path) for path in links_in(email)] == [invitation]


def test_the_email_is_sent_only_once_the_invitation_is_saved(
    client, org_a, org_admin, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("accounts:invite", args=[org_a.slug]),
            {"email": "x@example.org", "role": "trainee"},
        )

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_members_page_says_an_invitation_is_sent(client, invite, org_a, org_admin):
    invite("new.person@example.org")
    client.force_login(org_admin)

    response = client.get(reverse("accounts:members", args=[org_a.slug]))

    assert "new.person@example.org" in response.content.decode()
    assert "(email queued)" not in response.content.decode()


def test_inviting_someone_who_already_holds_the_role_is_refused_next_to_the_email(
    client, org_a, org_admin, trainee, django_capture_on_commit_callbacks
):
    client.force_login(org_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invite", args=[org_a.slug]),
            {"email": "TRAINEE@example.org", "role": Role.TRAINEE},
        )

    assert response.status_code == 200
    assert_inline_error(response, "email", "trainee@example.org is already a trainee here.")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_someone_may_be_invited_to_another_role_they_do_not_hold(invite, org_a, trainee):
    response = invite(trainee.email, Role.SUPERVISOR)

    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.SUPERVISOR


def test_holding_the_role_in_another_organisation_does_not_block_an_invitation(invite, org_b_admin):
    response = invite(org_b_admin.email, Role.ADMIN)

    assert response.status_code == 302
    assert Invitation.objects.get().email == org_b_admin.email


@pytest.mark.parametrize(
    "data, field, error",
    [
        ({"email": "not an address", "role": Role.TRAINEE}, "email", "Enter a valid email"),
        ({"email": "", "role": Role.TRAINEE}, "email", "This field is required."),
        ({"email": "x@example.org", "role": "owner"}, "role", "Select a valid choice."),
    ],
)
def test_an_invalid_invitation_is_refused_next_to_the_field(
    client, org_a, org_admin, data, field, error
):
    client.force_login(org_admin)

    response = client.post(reverse("accounts:invite", args=[org_a.slug]), data)

    assert response.status_code == 200
    assert_inline_error(response, field, error)
    assert not Invitation.objects.exists()


def test_reinviting_replaces_the_pending_invitation(client, invite, org_a):
    invite("new.person@example.org")
    invite("new.person@example.org")

    old, new = Invitation.objects.order_by("created_at", "pk")
    assert old.status == "revoked"
    assert new.status == "pending"
    (old_link,), (new_link,) = links_in(mail.outbox[0]), links_in(mail.outbox[1])
    assert (invitation_named_by(old_link), invitation_named_by(new_link)) == (old, new)
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


def test_reinviting_to_a_different_role_keeps_both_invitations(invite):
    invite("new.person@example.org", Role.TRAINEE)
    invite("new.person@example.org", Role.SUPERVISOR)

    assert Invitation.objects.pending().count() == 2


def test_an_admin_revokes_an_invitation(client, org_a, org_admin):
    invitation = make_invitation(org_a)
    client.force_login(org_admin)
    url = reverse("accounts:invitation_revoke", args=[org_a.slug, invitation.pk])

    assert "new.person@example.org" in client.get(url).content.decode()
    response = client.post(url, follow=True)

    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "The invitation to new.person@example.org is revoked." in messages_of(response)
    client.logout()
    assert client.get(link_path(invitation)).status_code == 410


def test_revoking_an_invitation_twice_says_why_it_cannot(client, org_a, org_admin):
    invitation = make_invitation(org_a, revoked_at=timezone.now())
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:invitation_revoke", args=[org_a.slug, invitation.pk]), follow=True
    )

    assert "Only a pending invitation can be revoked." in messages_of(response)


def test_the_revoke_service_answers_a_spent_invitation_with_a_conflict(org_a, org_admin):
    invitation = make_invitation(org_a, accepted_at=timezone.now())

    with pytest.raises(StateConflict, match="Only a pending invitation can be revoked."):
        services.revoke_invitation(invitation=invitation, actor=org_admin)


# --- The periodic sweep ----------------------------------------------------------------------


def test_the_sweep_sends_invitations_left_unsent_and_only_those(org_a):
    stale = timezone.now() - UNSENT_GRACE - timedelta(seconds=1)
    unsent = make_invitation(org_a, email="unsent@example.org")
    make_invitation(org_a, email="in-flight@example.org")
    make_invitation(org_a, email="sent@example.org", sent_at=stale)
    make_invitation(org_a, email="revoked@example.org", revoked_at=stale)
    make_invitation(org_a, email="accepted@example.org", accepted_at=stale)
    make_invitation(org_a, email="expired@example.org", expires_at=stale)
    Invitation.objects.exclude(email="in-flight@example.org").update(created_at=stale)

    sent = send_pending_invitations.delay().get()

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["unsent@example.org"]]
    assert [invitation_named_by(path) for path in links_in(mail.outbox[0])] == [unsent]
    unsent.refresh_from_db()
    assert unsent.sent_at is not None


def test_the_sweep_does_not_send_an_invitation_twice(org_a):
    make_invitation(org_a)
    Invitation.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    first = send_pending_invitations()
    second = send_pending_invitations()

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1


def test_the_sweep_does_not_resend_an_invitation_the_queue_delivered(invite):
    invite("new.person@example.org")
    Invitation.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    assert send_pending_invitations() == 0
    assert len(mail.outbox) == 1


def test_an_invitation_revoked_before_its_email_went_out_is_never_sent(org_a):
    invitation = make_invitation(org_a)
    services.revoke_invitation(invitation=invitation, actor=None)

    assert services.send_invitation_email(invitation_id=invitation.pk) is False
    assert mail.outbox == []
