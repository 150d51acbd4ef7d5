"""The organisation admin pages as a whole: who may open them, the list of organisations,
paging, and what a page costs in queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, Supervision
from tests.conftest import member
from tests.factories import MembershipFactory, SupervisionFactory
from tests.helpers import queries_for, sign_in_as

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate


# --- Who may open which page ---------------------------------------------------------------


@pytest.fixture
def scene(org_a, org_admin, trainee, other_trainee, supervisor):
    """Organisation A with its people, a pending invitation and a running supervision."""
    invitation = Invitation.objects.create(
        organisation=org_a,
        email="invitee@example.org",
        role=Role.TRAINEE,
        invited_by=org_admin,
        expires_at=timezone.now() + timedelta(days=14),
    )
    return {
        "org": org_a,
        "member": trainee,
        "other_trainee": other_trainee,
        "supervisor": supervisor,
        "invitation": invitation,
        "supervision": Supervision.objects.get(organisation=org_a),
    }


# Each page of organisation A: its URL, and a POST that would change something if allowed.
PAGES = {
    "members": (lambda s: reverse("accounts:members", args=[s["org"].slug]), lambda s: {}),
    "invite": (
        lambda s: reverse("accounts:invite", args=[s["org"].slug]),
        lambda s: {"email": "intruder@example.org", "role": Role.ADMIN},
    ),
    "member_roles": (
        lambda s: reverse("accounts:member_roles", args=[s["org"].slug, s["member"].pk]),
        lambda s: {"roles": [Role.ADMIN]},
    ),
    "invitation_revoke": (
        lambda s: reverse("accounts:invitation_revoke", args=[s["org"].slug, s["invitation"].pk]),
        lambda s: {},
    ),
    "supervisions": (
        lambda s: reverse("accounts:supervisions", args=[s["org"].slug]),
        lambda s: {},
    ),
    "supervision_start": (
        lambda s: reverse("accounts:supervision_start", args=[s["org"].slug]),
        lambda s: {
            "supervisor": s["supervisor"].pk,
            "trainee": s["other_trainee"].pk,
            "kind": Supervision.Kind.CLINICAL,
            "start_date": TODAY().isoformat(),
        },
    ),
    "supervision_end": (
        lambda s: reverse("accounts:supervision_end", args=[s["org"].slug, s["supervision"].pk]),
        lambda s: {"end_date": TODAY().isoformat()},
    ),
}


def state_of(org):
    """Everything an organisation page could change."""
    return (
        sorted(Membership.objects.filter(organisation=org).values_list("user_id", "role")),
        sorted(
            Invitation.objects.filter(organisation=org).values_list("pk", "email", "revoked_at")
        ),
        sorted(Supervision.objects.filter(organisation=org).values_list("pk", "end_date")),
    )


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, scene, page, method):
    url, data = PAGES[page]
    before = state_of(scene["org"])

    response = getattr(client, method)(url(scene), data(scene))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert state_of(scene["org"]) == before


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_organisations_admins_find_its_pages(
    client, request, scene, persona, page, method
):
    sign_in_as(client, request, persona)
    url, data = PAGES[page]
    before = state_of(scene["org"])

    response = getattr(client, method)(url(scene), data(scene))

    assert response.status_code == 404
    assert state_of(scene["org"]) == before


@pytest.mark.parametrize("page", PAGES)
def test_the_organisations_admin_opens_every_page(client, scene, org_admin, page):
    client.force_login(org_admin)
    url, _ = PAGES[page]

    response = client.get(url(scene))

    assert response.status_code == 200
    assert response.context["organisation"] == scene["org"]


@pytest.mark.parametrize(
    "page, other_orgs_object",
    [
        ("member_roles", lambda org_b: member(org_b, Role.TRAINEE).pk),
        (
            "invitation_revoke",
            lambda org_b: (
                Invitation.objects.create(
                    organisation=org_b,
                    email="b@example.org",
                    role=Role.TRAINEE,
                    expires_at=timezone.now() + timedelta(days=1),
                ).pk
            ),
        ),
        ("supervision_end", lambda org_b: SupervisionFactory(organisation=org_b).pk),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_admin_cannot_reach_another_organisations_records_through_their_own(
    client, org_a, org_b, org_admin, page, other_orgs_object, method
):
    client.force_login(org_admin)
    object_id = other_orgs_object(org_b)
    before = state_of(org_b)

    response = getattr(client, method)(reverse(f"accounts:{page}", args=[org_a.slug, object_id]))

    assert response.status_code == 404
    assert state_of(org_b) == before


def test_an_unknown_organisation_is_not_found(client, org_admin):
    client.force_login(org_admin)
    assert client.get(reverse("accounts:members", args=["no-such-org"])).status_code == 404


def test_the_organisation_list_shows_only_organisations_the_user_administers(
    client, org_a, org_b, org_admin, org_b_admin
):
    MembershipFactory(user=org_admin, organisation=org_b, role=Role.TRAINEE)
    client.force_login(org_admin)

    response = client.get(reverse("accounts:organisation_list"))

    assert response.status_code == 200
    assert list(response.context["organisations"]) == [org_a]
    assert org_a.name in response.content.decode()
    assert org_b.name not in response.content.decode()


def test_the_organisation_list_is_empty_for_someone_who_administers_nothing(client, trainee):
    client.force_login(trainee)

    response = client.get(reverse("accounts:organisation_list"))

    assert list(response.context["organisations"]) == []
    assert "You are not an admin of any organisation" in response.content.decode()


def test_the_organisation_list_needs_sign_in(client, db):
    response = client.get(reverse("accounts:organisation_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Paging ----------------------------------------------------------------------------------


def test_the_members_page_shows_25_members_a_page(client, org_a, org_admin):
    for _ in range(29):
        member(org_a, Role.TRAINEE)
    client.force_login(org_admin)
    url = reverse("accounts:members", args=[org_a.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert 'rel="next"' in first.content.decode()
    seen = {*first.context["page"].object_list, *second.context["page"].object_list}
    assert len(seen) == 30


def test_the_supervisions_page_shows_25_supervisions_a_page(client, org_a, org_admin):
    for _ in range(30):
        SupervisionFactory(organisation=org_a)
    client.force_login(org_admin)
    url = reverse("accounts:supervisions", args=[org_a.slug])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    seen = {*first.context["page"].object_list, *second.context["page"].object_list}
    assert len(seen) == 30


def test_a_page_number_past_the_end_shows_the_last_page(client, org_a, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("accounts:members", args=[org_a.slug]), {"page": 99})

    assert response.status_code == 200
    assert response.context["page"].number == 1


# --- Queries ---------------------------------------------------------------------------------


def add_members(org, count):
    for n in range(count):
        user = member(org, Role.TRAINEE)
        if n % 2:
            MembershipFactory(user=user, organisation=org, role=Role.SUPERVISOR)
        Invitation.objects.create(
            organisation=org,
            email=f"invitee{user.pk}@example.org",
            role=Role.TRAINEE,
            invited_by=user,
            expires_at=timezone.now() + timedelta(days=1),
        )


def add_supervisions(org, count):
    for n in range(count):
        SupervisionFactory(
            organisation=org,
            kind=Supervision.Kind.CLINICAL if n % 2 else Supervision.Kind.EDUCATIONAL,
            end_date=TODAY() + timedelta(days=n) if n % 3 else None,
        )


@pytest.mark.parametrize(
    "page, add", [("members", add_members), ("supervisions", add_supervisions)]
)
def test_a_page_makes_as_many_queries_for_30_rows_as_for_3(client, org_a, org_admin, page, add):
    client.force_login(org_admin)
    url = reverse(f"accounts:{page}", args=[org_a.slug])
    client.get(url)  # Sessions and caches settle on the first request.

    add(org_a, 3)
    with_3 = queries_for(client, url)
    add(org_a, 27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3
