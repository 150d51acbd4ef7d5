"""Inviting people to an organisation, the emailed link, and accepting it."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Role, User
from accounts.tasks import UNSENT_GRACE, send_pending_invitations
from tests.factories import PASSWORD, UserFactory
from tests.helpers import assert_inline_error, messages_of, roles_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def make_invitation(org, email="new.person@example.org", role=Role.TRAINEE, **fields):
    fields.setdefault("expires_at", timezone.now() + timedelta(days=14))
    return Invitation.objects.create(organisation=org, email=email, role=role, **fields)


def link_path(invitation):
    return reverse("accounts:invitation", args=[services.invitation_token(invitation)])


def links_in(message):
    """The paths of the invitation links in an email."""
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]


@pytest.fixture
def invite(client, org_a, org_admin, django_capture_on_commit_callbacks):
    """Invite someone through the page as A's admin, running the work queued on commit."""

    def invite(email, role=Role.TRAINEE):
        client.force_login(org_admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:invite", args=[org_a.slug]), {"email": email, "role": role}
            )
        client.logout()
        return response

    return invite


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
    assert links_in(email) == [link_path(invitation)]
    assert services.invitation_url(invitation) in email.body


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
    old_link, new_link = links_in(mail.outbox[0]), links_in(mail.outbox[1])
    assert old_link != new_link
    assert client.get(old_link[0]).status_code == 410
    assert client.get(new_link[0]).status_code == 200


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


# --- Following the link as someone new -------------------------------------------------------


def test_the_link_offers_a_new_person_an_account_for_the_invited_address(client, invite):
    invite("new.person@example.org")
    (path,) = links_in(mail.outbox[0])

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["form"] is not None
    html = response.content.decode()
    assert "new.person@example.org" in html
    assert 'name="password1"' in html
    assert "Create account and join" in html


def test_signing_up_from_the_link_creates_a_verified_account_with_the_role(client, invite, org_a):
    invite("new.person@example.org", Role.SUPERVISOR)
    (path,) = links_in(mail.outbox[0])

    response = client.post(
        path,
        {"full_name": "Dr New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("portfolio:dashboard")
    user = User.objects.get(email="new.person@example.org")
    assert user.full_name == "Dr New Person"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(
        user=user, email="new.person@example.org", primary=True, verified=True
    ).exists()
    assert roles_in(org_a, user) == {Role.SUPERVISOR}
    invitation = Invitation.objects.get()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user
    assert get_user(client) == user
    dashboard = client.get(response.url)
    assert dashboard.status_code == 200
    assert f"You have joined {org_a.name}." in " ".join(messages_of(dashboard))


def test_the_new_account_can_sign_in_with_its_password(client, org_a):
    invitation = make_invitation(org_a)
    client.post(
        link_path(invitation),
        {"full_name": "Dr New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "new.person@example.org", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert get_user(client).email == "new.person@example.org"


def test_the_link_cannot_be_used_twice(client, org_a):
    invitation = make_invitation(org_a)
    data = {"full_name": "Dr New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(link_path(invitation), data)
    client.logout()

    response = client.post(link_path(invitation), data)

    assert response.status_code == 410
    assert User.objects.filter(email="new.person@example.org").count() == 1


@pytest.mark.parametrize(
    "data, field, error",
    [
        (
            {"full_name": "Dr New", "password1": NEW_PASSWORD, "password2": "something-else"},
            "password2",
            "The two passwords differ.",
        ),
        (
            {"full_name": "Dr New", "password1": "short", "password2": "short"},
            "password1",
            "This password is too short.",
        ),
        (
            {"full_name": "Dr New", "password1": "new.person", "password2": "new.person"},
            "password1",
            "The password is too similar to the email address.",
        ),
        (
            {"full_name": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            "full_name",
            "This field is required.",
        ),
    ],
)
def test_a_faulty_sign_up_from_the_link_is_shown_next_to_the_field(
    client, org_a, data, field, error
):
    invitation = make_invitation(org_a)

    response = client.post(link_path(invitation), data)

    assert response.status_code == 200
    assert_inline_error(response, field, error)
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert Invitation.objects.get().status == "pending"
    assert not get_user(client).is_authenticated


# --- Following the link with an existing account ---------------------------------------------


def test_a_signed_out_account_holder_is_asked_to_sign_in_not_to_sign_up(client, org_a, trainee):
    invitation = make_invitation(org_a, email=trainee.email, role=Role.SUPERVISOR)

    response = client.get(link_path(invitation))

    assert response.status_code == 200
    assert response.context["form"] is None
    html = response.content.decode()
    assert 'name="password1"' not in html
    assert reverse("account_login") + "?next=" in html


def test_a_signed_out_post_cannot_take_over_an_existing_account(client, org_a, trainee):
    invitation = make_invitation(org_a, email=trainee.email, role=Role.SUPERVISOR)

    client.post(
        link_path(invitation),
        {"full_name": "Intruder", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)
    assert roles_in(org_a, trainee) == {Role.TRAINEE}
    assert not get_user(client).is_authenticated


def test_signing_in_from_the_invitation_comes_back_to_it(client, org_a, trainee):
    invitation = make_invitation(org_a, email=trainee.email, role=Role.SUPERVISOR)
    path = link_path(invitation)

    response = client.post(
        reverse("account_login") + f"?next={path}",
        {"login": trainee.email, "password": PASSWORD, "next": path},
    )

    assert response.status_code == 302
    assert response.url == path


def test_the_invited_account_holder_accepts_and_gains_the_role(client, invite, org_a, trainee):
    invite(trainee.email, Role.SUPERVISOR)
    (path,) = links_in(mail.outbox[0])
    client.force_login(trainee)

    page = client.get(path)
    assert "Accept invitation" in page.content.decode()
    response = client.post(path)

    assert response.status_code == 302
    assert response.url == reverse("portfolio:dashboard")
    assert roles_in(org_a, trainee) == {Role.TRAINEE, Role.SUPERVISOR}
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == ("accepted", trainee)


def test_the_invited_address_matches_whatever_its_case(client, org_a, trainee):
    invitation = make_invitation(org_a, email="Trainee@Example.ORG", role=Role.SUPERVISOR)
    client.force_login(trainee)

    response = client.post(link_path(invitation))

    assert response.status_code == 302
    assert Role.SUPERVISOR in roles_in(org_a, trainee)


def test_someone_signed_in_with_another_address_is_refused(client, org_a, other_trainee):
    invitation = make_invitation(org_a, email="trainee@example.org", role=Role.ADMIN)
    client.force_login(other_trainee)

    page = client.get(link_path(invitation))
    assert "Accept invitation" not in page.content.decode()
    assert "you are signed in as other.trainee@example.org" in page.content.decode()
    response = client.post(link_path(invitation))

    assert response.status_code == 200
    assert (
        "This invitation was sent to trainee@example.org. Sign in with that address to accept it."
        in messages_of(response)
    )
    assert roles_in(org_a, other_trainee) == {Role.TRAINEE}
    assert Invitation.objects.get().status == "pending"


def test_an_address_verified_by_another_account_cannot_be_signed_up_again(client, org_a):
    holder = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=holder, email="second@example.org", verified=True)
    invitation = make_invitation(org_a, email="second@example.org")

    response = client.post(
        link_path(invitation),
        {"full_name": "Dr New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # The page offers sign-in rather than a second account for the same address.
    assert response.status_code == 200
    assert "There is already an account for <strong>second@example.org</strong>" in (
        response.content.decode()
    )
    assert not User.objects.filter(email="second@example.org").exists()
    assert Invitation.objects.get().status == "pending"


def test_an_invitation_to_a_verified_second_address_can_be_accepted(client, org_a):
    holder = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=holder, email="second@example.org", verified=True)
    invitation = make_invitation(org_a, email="second@example.org")
    client.force_login(holder)

    assert "Accept invitation" in client.get(link_path(invitation)).content.decode()
    response = client.post(link_path(invitation))

    assert response.status_code == 302
    assert roles_in(org_a, holder) == {Role.TRAINEE}


def test_an_unverified_second_address_is_not_enough_to_accept(client, org_a):
    holder = UserFactory(email="main@example.org")
    EmailAddress.objects.create(user=holder, email="second@example.org", verified=False)
    invitation = make_invitation(org_a, email="second@example.org")
    client.force_login(holder)

    assert "Accept invitation" not in client.get(link_path(invitation)).content.decode()
    response = client.post(link_path(invitation))

    assert response.status_code == 200
    assert roles_in(org_a, holder) == set()
    assert Invitation.objects.get().status == "pending"


# --- Links that no longer work ---------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: signing.dumps(signing.loads(token, salt=services.INVITATION_SALT) + 1),
        lambda token: signing.dumps(
            signing.loads(token, salt=services.INVITATION_SALT), salt="another.salt"
        ),
        lambda token: "not-a-token",
    ],
    ids=["altered-signature", "unsalted-other-id", "other-salt", "garbage"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_not_found(client, org_a, trainee, tamper, method):
    make_invitation(org_a, email=trainee.email, role=Role.ADMIN)  # Another one, in case.
    invitation = make_invitation(org_a, email=trainee.email, role=Role.SUPERVISOR)
    client.force_login(trainee)
    token = tamper(services.invitation_token(invitation))

    response = getattr(client, method)(reverse("accounts:invitation", args=[token]))

    assert response.status_code == 404
    assert roles_in(org_a, trainee) == {Role.TRAINEE}


def test_a_link_to_a_deleted_invitation_is_not_found(client, org_a):
    invitation = make_invitation(org_a)
    path = link_path(invitation)
    invitation.delete()

    assert client.get(path).status_code == 404


SPENT = {
    "revoked": {"revoked_at": timezone.now},
    "expired": {"expires_at": lambda: timezone.now() - timedelta(minutes=1)},
    "accepted": {"accepted_at": timezone.now},
}


@pytest.mark.parametrize("status", SPENT)
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_spent_invitation_is_gone(client, org_a, trainee, status, signed_in, method):
    invitation = make_invitation(
        org_a,
        email=trainee.email if signed_in else "new.person@example.org",
        role=Role.SUPERVISOR,
        **{field: value() for field, value in SPENT[status].items()},
    )
    if signed_in:
        client.force_login(trainee)

    response = getattr(client, method)(
        link_path(invitation),
        {"full_name": "Dr New", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 410
    assert f"This invitation is {status}." in response.content.decode()
    assert roles_in(org_a, trainee) == {Role.TRAINEE}
    assert not User.objects.filter(email="new.person@example.org").exists()


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
    assert links_in(mail.outbox[0]) == [link_path(unsent)]
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
    services.revoke_invitation(invitation=invitation)

    assert services.send_invitation_email(invitation_id=invitation.pk) is False
    assert mail.outbox == []
