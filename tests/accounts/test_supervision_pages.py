"""Starting and ending supervisions on the organisation admin pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Supervision
from tests.conftest import member
from tests.factories import MembershipFactory, SupervisionFactory
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate


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
