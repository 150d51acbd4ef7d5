"""Who supervises whom in an organisation, for its admins: listed, started and ended as the
supervision pages do, with the same refusals as field errors, and in the audit log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import selectors
from accounts.models import Role, Supervision
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = ["trainee", "supervisor", "org_b_admin"]


@pytest.fixture(autouse=True)
def today_held_still(frozen_today):
    return frozen_today


def day(offset: int):
    """A day from today, which the `frozen_today` fixture holds still."""
    return timezone.localdate() + timedelta(days=offset)


def supervisions_url(organisation):
    return f"/api/v1/organisations/{organisation.slug}/supervisions/"


def end_url(supervision):
    return f"{supervisions_url(supervision.organisation)}{supervision.pk}/end/"


@pytest.fixture
def new_supervisor(org_a):
    return member(org_a, Role.SUPERVISOR, email="new.supervisor@example.org")


def start(client, organisation, **fields):
    return client.post(supervisions_url(organisation), fields, format="json")


def test_an_admin_starts_a_supervision_and_the_supervisor_sees_the_trainee(
    admin_api, org_a, org_admin, trainee, new_supervisor
):
    response = start(
        admin_api,
        org_a,
        supervisor=new_supervisor.pk,
        trainee=trainee.pk,
        kind="clinical",
        start_date=str(day(0)),
    )

    assert response.status_code == 201, response.content
    supervision = Supervision.objects.get(supervisor=new_supervisor)
    assert response.json() == {
        "id": supervision.pk,
        "supervisor": {
            "id": new_supervisor.pk,
            "full_name": new_supervisor.full_name,
            "email": new_supervisor.email,
        },
        "trainee": {"id": trainee.pk, "full_name": trainee.full_name, "email": trainee.email},
        "kind": "clinical",
        "start_date": str(day(0)),
        "end_date": None,
    }
    assert selectors.is_active_supervisor(new_supervisor, trainee)
    (entry,) = audited("start_supervision")
    assert (entry["actor_id"], entry["payload"]["kind"]) == (org_admin.pk, "clinical")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"trainee": "outsider"}, "trainee", "Not a trainee of this organisation."),
        ({"supervisor": "trainee"}, "supervisor", "Not a supervisor of this organisation."),
        ({"end_date": -1}, "end_date", "The end date cannot be before the start date."),
        ({"kind": "pastoral"}, "kind", '"pastoral" is not a valid choice.'),
        ({"start_date": None}, "start_date", "This field may not be null."),
    ],
    ids=["outsider", "not-a-supervisor", "ends-before-start", "unknown-kind", "no-start"],
)
def test_the_pages_refusals_are_field_errors(
    admin_api, org_a, org_b, trainee, new_supervisor, change, field, message
):
    fields = {
        "supervisor": new_supervisor.pk,
        "trainee": trainee.pk,
        "kind": "educational",
        "start_date": str(day(0)),
    }
    people = {"outsider": member(org_b, Role.TRAINEE).pk, "trainee": trainee.pk}
    for name, value in change.items():
        if name == "end_date":
            value = str(day(value))
        fields[name] = people.get(value, value)

    error = assert_error(start(admin_api, org_a, **fields), 400, "invalid")

    assert error["fields"] == {field: [message]}
    assert not Supervision.objects.filter(supervisor=new_supervisor).exists()


def test_a_supervision_sharing_a_day_with_another_of_its_kind_is_refused(
    admin_api, org_a, trainee, supervisor
):
    existing = Supervision.objects.get(supervisor=supervisor)

    response = start(
        admin_api,
        org_a,
        supervisor=supervisor.pk,
        trainee=trainee.pk,
        kind=existing.kind,
        start_date=str(day(30)),
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "trainee": ["This supervision already exists. End it before starting another."]
    }


def test_an_admin_ends_a_supervision_and_access_ends_after_that_day(
    admin_api, org_a, trainee, supervisor
):
    supervision = Supervision.objects.get(supervisor=supervisor)
    supervision.start_date = day(-10)
    supervision.save()

    response = admin_api.post(end_url(supervision), {"end_date": str(day(-1))}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == str(day(-1))
    assert not selectors.is_active_supervisor(supervisor, trainee)
    (entry,) = audited("end_supervision")
    assert entry["payload"] == {"end_date": str(day(-1)), "planned_end_date": None}


def test_an_end_before_the_start_is_a_field_error(admin_api, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)
    before = supervision.start_date - timedelta(days=1)

    response = admin_api.post(end_url(supervision), {"end_date": str(before)}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"end_date": ["The end date cannot be before the start date."]}
    supervision.refresh_from_db()
    assert supervision.end_date is None


def test_an_end_needs_its_day(admin_api, supervisor):
    supervision = Supervision.objects.get(supervisor=supervisor)

    error = assert_error(admin_api.post(end_url(supervision), {}, format="json"), 400)

    assert error["fields"] == {"end_date": ["This field is required."]}


def test_the_list_costs_the_same_however_many_supervisions(
    admin_api, org_a, supervisor, django_assert_num_queries
):
    # The organisation for its admin, the count, and the page with both people of each.
    with django_assert_num_queries(3):
        admin_api.get(supervisions_url(org_a))
    for _ in range(10):
        SupervisionFactory(
            supervisor=supervisor, trainee=member(org_a, Role.TRAINEE), organisation=org_a
        )
    with django_assert_num_queries(3):
        listed = admin_api.get(supervisions_url(org_a)).json()["results"]
    assert len(listed) == 11


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_to_anyone_but_its_admins_supervision_does_not_exist(
    request, org_a, trainee, supervisor, new_supervisor, persona
):
    supervision = Supervision.objects.get(supervisor=supervisor)
    client = client_for(request.getfixturevalue(persona))

    assert_error(client.get(supervisions_url(org_a)), 404, "not_found")
    response = start(
        client,
        org_a,
        supervisor=new_supervisor.pk,
        trainee=trainee.pk,
        kind="clinical",
        start_date=str(day(0)),
    )
    assert_error(response, 404, "not_found")
    assert_error(client.post(end_url(supervision), {"end_date": str(day(0))}, format="json"), 404)
    assert Supervision.objects.count() == 1
    assert not audited("end_supervision")


def test_another_organisations_supervision_is_not_found_through_ones_own(admin_api, org_a, org_b):
    theirs = SupervisionFactory(
        supervisor=member(org_b, Role.SUPERVISOR),
        trainee=member(org_b, Role.TRAINEE),
        organisation=org_b,
    )

    response = admin_api.post(
        f"{supervisions_url(org_a)}{theirs.pk}/end/", {"end_date": str(day(0))}, format="json"
    )

    assert_error(response, 404, "not_found")
