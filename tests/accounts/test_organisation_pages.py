"""The organisation admin pages: who may open them, roles, supervision, paging and queries."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Role, Supervision
from tests.conftest import member
from tests.factories import MembershipFactory, SupervisionFactory, UserFactory
from tests.helpers import assert_inline_error, messages_of, roles_in, sign_in_as

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


def test_the_roles_service_refuses_a_role_that_does_not_exist(org_a, trainee):
    with pytest.raises(ValidationError) as error:
        services.set_member_roles(organisation=org_a, user=trainee, roles={"superuser"})

    assert "roles" in error.value.message_dict
    assert roles_in(org_a, trainee) == {Role.TRAINEE}


def test_a_non_member_has_no_roles_page(client, org_a, org_admin):
    stranger = UserFactory()
    client.force_login(org_admin)

    response = client.get(reverse("accounts:member_roles", args=[org_a.slug, stranger.pk]))

    assert response.status_code == 404


# --- Supervision -----------------------------------------------------------------------------


def start_url(org):
    return reverse("accounts:supervision_start", args=[org.slug])


def supervision_data(supervisor, trainee, **overrides):
    return {
        "supervisor": supervisor.pk,
        "trainee": trainee.pk,
        "kind": Supervision.Kind.EDUCATIONAL,
        "start_date": TODAY().isoformat(),
        "end_date": "",
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in overrides.items()},
    }


def test_an_admin_starts_a_supervision(client, org_a, org_admin, supervisor, other_trainee):
    client.force_login(org_admin)

    response = client.post(start_url(org_a), supervision_data(supervisor, other_trainee))

    assert response.status_code == 302
    assert response.url == reverse("accounts:supervisions", args=[org_a.slug])
    supervision = Supervision.objects.get(trainee=other_trainee)
    assert (supervision.supervisor, supervision.organisation) == (supervisor, org_a)
    assert supervision.start_date == TODAY()
    assert supervision.end_date is None


def test_only_the_organisations_supervisors_and_trainees_are_offered(
    client, org_a, org_b, org_admin, supervisor, trainee, other_trainee
):
    member(org_b, Role.SUPERVISOR)
    member(org_b, Role.TRAINEE)
    client.force_login(org_admin)

    form = client.get(start_url(org_a)).context["form"]

    assert list(form.fields["supervisor"].queryset) == [supervisor]
    assert set(form.fields["trainee"].queryset) == {trainee, other_trainee}


def test_people_with_the_same_name_can_be_told_apart(client, org_a, org_admin):
    first = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="sam.patel@example.org")
    second = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="s.patel2@example.org")
    client.force_login(org_admin)

    html = client.get(start_url(org_a)).content.decode()

    assert f'<option value="{first.pk}">Sam Patel (sam.patel@example.org)</option>' in html
    assert f'<option value="{second.pk}">Sam Patel (s.patel2@example.org)</option>' in html


@pytest.mark.parametrize(
    "field, outsider",
    [
        ("supervisor", lambda org_a, org_b: member(org_b, Role.SUPERVISOR)),
        ("trainee", lambda org_a, org_b: member(org_b, Role.TRAINEE)),
        # An admin of A who is not a supervisor there.
        ("supervisor", lambda org_a, org_b: member(org_a, Role.ADMIN)),
        ("trainee", lambda org_a, org_b: member(org_a, Role.SUPERVISOR)),
    ],
)
def test_someone_without_the_role_in_the_organisation_cannot_be_chosen(
    client, org_a, org_b, org_admin, supervisor, trainee, field, outsider
):
    client.force_login(org_admin)
    data = supervision_data(supervisor, trainee, kind=Supervision.Kind.CLINICAL)
    data[field] = outsider(org_a, org_b).pk

    response = client.post(start_url(org_a), data)

    assert response.status_code == 200
    assert_inline_error(response, field, "Select a valid choice.")
    assert Supervision.objects.count() == 1


def test_nobody_is_made_to_supervise_themselves(client, org_a, org_admin, supervisor):
    MembershipFactory(user=supervisor, organisation=org_a, role=Role.TRAINEE)
    client.force_login(org_admin)

    response = client.post(start_url(org_a), supervision_data(supervisor, supervisor))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "Nobody can supervise themselves.")
    assert not Supervision.objects.filter(trainee=supervisor).exists()


def test_a_supervision_cannot_end_before_it_starts(
    client, org_a, org_admin, supervisor, other_trainee
):
    client.force_login(org_admin)
    data = supervision_data(supervisor, other_trainee, end_date=TODAY() - timedelta(days=1))

    response = client.post(start_url(org_a), data)

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    assert not Supervision.objects.filter(trainee=other_trainee).exists()


def test_a_duplicate_of_an_active_supervision_is_refused(
    client, org_a, org_admin, supervisor, trainee
):
    client.force_login(org_admin)

    response = client.post(start_url(org_a), supervision_data(supervisor, trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "This supervision already exists.")
    assert Supervision.objects.filter(supervisor=supervisor, trainee=trainee).count() == 1


def test_a_supervision_overlapping_a_planned_one_is_refused(
    client, org_a, org_admin, supervisor, other_trainee
):
    SupervisionFactory(
        organisation=org_a,
        supervisor=supervisor,
        trainee=other_trainee,
        start_date=TODAY() + timedelta(days=30),
    )
    client.force_login(org_admin)

    response = client.post(start_url(org_a), supervision_data(supervisor, other_trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "This supervision already exists.")
    assert Supervision.objects.filter(trainee=other_trainee).count() == 1


def test_a_supervision_may_follow_one_that_has_ended(
    client, org_a, org_admin, supervisor, other_trainee
):
    SupervisionFactory(
        organisation=org_a,
        supervisor=supervisor,
        trainee=other_trainee,
        start_date=TODAY() - timedelta(days=100),
        end_date=TODAY() - timedelta(days=1),
    )
    client.force_login(org_admin)

    response = client.post(start_url(org_a), supervision_data(supervisor, other_trainee))

    assert response.status_code == 302
    assert Supervision.objects.filter(trainee=other_trainee).count() == 2


def test_a_clinical_supervision_may_run_alongside_an_educational_one(
    client, org_a, org_admin, supervisor, trainee
):
    client.force_login(org_admin)

    response = client.post(
        start_url(org_a), supervision_data(supervisor, trainee, kind=Supervision.Kind.CLINICAL)
    )

    assert response.status_code == 302
    assert Supervision.objects.filter(supervisor=supervisor, trainee=trainee).count() == 2


def test_a_missing_start_date_is_shown_next_to_the_field(
    client, org_a, org_admin, supervisor, other_trainee
):
    client.force_login(org_admin)

    response = client.post(
        start_url(org_a), supervision_data(supervisor, other_trainee, start_date="")
    )

    assert response.status_code == 200
    assert_inline_error(response, "start_date", "This field is required.")


def end_url(supervision):
    return reverse("accounts:supervision_end", args=[supervision.organisation.slug, supervision.pk])


def test_an_admin_ends_a_supervision(client, org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    client.force_login(org_admin)

    response = client.post(end_url(supervision), {"end_date": TODAY().isoformat()})

    assert response.status_code == 302
    assert response.url == reverse("accounts:supervisions", args=[supervision.organisation.slug])
    supervision.refresh_from_db()
    assert supervision.end_date == TODAY()
    assert "Ended:" in " ".join(messages_of(client.get(response.url)))


def test_a_supervision_cannot_be_ended_before_it_started(client, org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    client.force_login(org_admin)

    response = client.post(
        end_url(supervision),
        {"end_date": (supervision.start_date - timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    supervision.refresh_from_db()
    assert supervision.end_date is None


def test_a_planned_end_can_be_brought_forward_but_not_pushed_back(client, org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    supervision.end_date = TODAY() + timedelta(days=30)
    supervision.save()
    client.force_login(org_admin)

    later = client.post(
        end_url(supervision), {"end_date": (TODAY() + timedelta(days=31)).isoformat()}
    )
    assert later.status_code == 200
    assert_inline_error(later, "end_date", "Choose that day or an earlier one.")

    sooner = client.post(end_url(supervision), {"end_date": TODAY().isoformat()})
    assert sooner.status_code == 302
    supervision.refresh_from_db()
    assert supervision.end_date == TODAY()


def test_an_ended_supervision_cannot_be_reopened(client, org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    supervision.end_date = TODAY() - timedelta(days=1)
    supervision.save()
    client.force_login(org_admin)

    response = client.post(end_url(supervision), {"end_date": TODAY().isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This supervision has already ended.")


def test_a_missing_end_date_is_shown_next_to_the_field(client, org_admin, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    client.force_login(org_admin)

    response = client.post(end_url(supervision), {"end_date": ""})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This field is required.")


def test_the_supervisions_page_offers_to_end_running_and_planned_supervisions_only(
    client, org_a, org_admin, supervisor, trainee, other_trainee
):
    running = Supervision.objects.get(supervisor=supervisor)
    planned = SupervisionFactory(
        organisation=org_a,
        supervisor=supervisor,
        trainee=other_trainee,
        start_date=TODAY() + timedelta(days=7),
    )
    ended = SupervisionFactory(
        organisation=org_a,
        supervisor=supervisor,
        trainee=trainee,
        kind=Supervision.Kind.CLINICAL,
        start_date=TODAY() - timedelta(days=100),
        end_date=TODAY() - timedelta(days=1),
    )
    client.force_login(org_admin)

    html = client.get(reverse("accounts:supervisions", args=[org_a.slug])).content.decode()

    assert end_url(running) in html
    assert end_url(planned) in html
    assert end_url(ended) not in html


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


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


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
