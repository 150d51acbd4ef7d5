"""Following an invitation link: signing up from it, accepting it with an existing account,
and links that no longer work."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import Invitation, Role, User
from core.errors import StateConflict
from tests.accounts.conftest import NEW_PASSWORD, link_path, links_in, make_invitation
from tests.factories import PASSWORD, UserFactory
from tests.helpers import assert_inline_error, messages_of, roles_in

pytestmark = pytest.mark.django_db


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
        lambda token: signing.dumps(signing.loads(token, salt=selectors.INVITATION_SALT) + 1),
        lambda token: signing.dumps(
            signing.loads(token, salt=selectors.INVITATION_SALT), salt="another.salt"
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
    token = tamper(selectors.invitation_token(invitation))

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


@pytest.mark.parametrize("status", SPENT)
def test_the_accept_service_answers_a_spent_invitation_with_a_conflict(org_a, trainee, status):
    invitation = make_invitation(
        org_a,
        email=trainee.email,
        role=Role.SUPERVISOR,
        **{field: value() for field, value in SPENT[status].items()},
    )

    with pytest.raises(StateConflict, match=f"This invitation is {status}."):
        services.accept_invitation(invitation=invitation, actor=trainee)

    assert roles_in(org_a, trainee) == {Role.TRAINEE}
