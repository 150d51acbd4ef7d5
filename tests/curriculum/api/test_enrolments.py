"""A programme's enrolments through the API, for the admins of its organisation: listed,
started and ended as the programme pages do, with the same refusals, and in the audit log."""

import pytest

from accounts.models import Role
from curriculum.models import Enrolment
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.curriculum.api.conftest import NOT_ITS_ADMINS, PROGRAMMES
from tests.curriculum.programme_pages import day, programme_on
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def enrolments_url(programme):
    return f"{PROGRAMMES}{programme.pk}/enrolments/"


def end_url(enrolment):
    return f"{enrolments_url(enrolment.programme)}{enrolment.pk}/end/"


def test_an_admin_enrols_a_trainee(admin_api, programme, trainee, org_admin):
    response = admin_api.post(
        enrolments_url(programme),
        {"trainee": trainee.pk, "start_date": str(day(0)), "end_date": str(day(364))},
        format="json",
    )

    assert response.status_code == 201, response.content
    enrolment = Enrolment.objects.get(programme=programme)
    assert response.json() == {
        "id": enrolment.pk,
        "trainee": {"id": trainee.pk, "full_name": trainee.full_name, "email": trainee.email},
        "start_date": str(day(0)),
        "end_date": str(day(364)),
    }
    # The trainee now reads the programme among their own.
    listed = client_for(trainee).get(PROGRAMMES).json()["results"]
    assert [p["id"] for p in listed] == [programme.pk]
    (entry,) = audited("enrol_trainee")
    assert (entry["actor_id"], entry["payload"]["trainee"]) == (org_admin.pk, trainee.pk)


@pytest.mark.parametrize("whom", ["supervisor", "outsider", "enrolled"])
def test_the_pages_refusals_are_field_errors(
    admin_api, programme, org_b, trainee, supervisor, whom
):
    EnrolmentFactory(trainee=trainee, programme=programme, start_date=day(-30))
    person, message = {
        "supervisor": (supervisor, "Not a trainee of this organisation."),
        "outsider": (member(org_b, Role.TRAINEE), "Not a trainee of this organisation."),
        "enrolled": (trainee, f"{trainee} is already enrolled in this programme."),
    }[whom]

    response = admin_api.post(
        enrolments_url(programme), {"trainee": person.pk, "start_date": str(day(0))}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"trainee": [message]}
    assert Enrolment.objects.count() == 1


def test_an_enrolment_ending_before_it_starts_is_refused(admin_api, programme, trainee):
    response = admin_api.post(
        enrolments_url(programme),
        {"trainee": trainee.pk, "start_date": str(day(0)), "end_date": str(day(-1))},
        format="json",
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"end_date": ["The end date cannot be before the start date."]}


def test_an_admin_ends_an_enrolment(admin_api, enrolment):
    response = admin_api.post(end_url(enrolment), {"end_date": str(day(10))}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["end_date"] == str(day(10))
    enrolment.refresh_from_db()
    assert enrolment.end_date == day(10)
    (entry,) = audited("end_enrolment")
    assert entry["payload"]["end_date"] == str(day(10))


def test_an_end_cannot_be_pushed_back(admin_api, enrolment):
    enrolment.end_date = day(10)
    enrolment.save()

    response = admin_api.post(end_url(enrolment), {"end_date": str(day(20))}, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["end_date"]
    enrolment.refresh_from_db()
    assert enrolment.end_date == day(10)


def test_the_list_is_latest_first_and_costs_the_same_however_many(
    admin_api, programme, org_a, enrolment, django_assert_num_queries
):
    url = enrolments_url(programme)
    # The programme the admin manages (with its organisation's admins checked), the count,
    # and the page with its trainees.
    with django_assert_num_queries(4):
        admin_api.get(url)
    later = [
        EnrolmentFactory(
            programme=programme, trainee=member(org_a, Role.TRAINEE), start_date=day(n)
        )
        for n in range(10)
    ]
    with django_assert_num_queries(4):
        listed = admin_api.get(url).json()["results"]
    assert [e["id"] for e in listed] == [e.pk for e in reversed(later)] + [enrolment.pk]


@pytest.mark.parametrize(("persona", "answer"), NOT_ITS_ADMINS)
def test_only_its_admins_manage_enrolments(request, programme, enrolment, persona, answer):
    client = client_for(request.getfixturevalue(persona))
    other = member(programme.organisation, Role.TRAINEE)

    assert_error(client.get(enrolments_url(programme)), answer)
    response = client.post(
        enrolments_url(programme), {"trainee": other.pk, "start_date": str(day(0))}, format="json"
    )
    assert_error(response, answer)
    assert_error(client.post(end_url(enrolment), {"end_date": str(day(0))}, format="json"), answer)
    assert Enrolment.objects.get() == enrolment
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_another_programmes_enrolment_is_not_found_through_this_one(
    admin_api, programme, org_a, enrolment
):
    other_programme = programme_on(org_a, programme.frameworks.get(), name="Another")

    response = admin_api.post(
        f"{enrolments_url(other_programme)}{enrolment.pk}/end/",
        {"end_date": str(day(0))},
        format="json",
    )

    assert_error(response, 404, "not_found")
