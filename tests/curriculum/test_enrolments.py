"""Enrolling trainees in a programme and ending enrolments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from curriculum import services
from curriculum.models import Enrolment
from tests.conftest import member
from tests.curriculum.programme_pages import day, end_url, enrol_url, today
from tests.factories import EnrolmentFactory
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


def enrolment_data(trainee, **overrides):
    return {
        "trainee": trainee.pk,
        "start_date": today().isoformat(),
        "end_date": "",
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in overrides.items()},
    }


def test_only_the_organisations_trainees_are_offered(
    client, org_a, org_b, org_admin, supervisor, trainee, other_trainee, programme
):
    member(org_b, Role.TRAINEE)
    client.force_login(org_admin)

    form = client.get(enrol_url(programme)).context["form"]

    assert set(form.fields["trainee"].queryset) == {trainee, other_trainee}


def test_trainees_with_the_same_name_can_be_told_apart(client, org_a, org_admin, programme):
    first = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="sam.patel@example.org")
    second = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="s.patel2@example.org")
    client.force_login(org_admin)

    html = client.get(enrol_url(programme)).content.decode()

    assert f'<option value="{first.pk}">Sam Patel (sam.patel@example.org)</option>' in html
    assert f'<option value="{second.pk}">Sam Patel (s.patel2@example.org)</option>' in html


def test_an_admin_enrols_a_trainee(client, org_admin, trainee, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(365)))

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    enrolment = Enrolment.objects.get(programme=programme)
    assert (enrolment.trainee, enrolment.start_date, enrolment.end_date) == (
        trainee,
        today(),
        day(365),
    )
    assert f"{trainee} is enrolled." in messages_of(client.get(response.url))


@pytest.mark.parametrize(
    "outsider",
    [
        lambda org_a, org_b: member(org_b, Role.TRAINEE),
        lambda org_a, org_b: member(org_a, Role.SUPERVISOR),
        lambda org_a, org_b: member(org_a, Role.ADMIN),
    ],
    ids=["trainee elsewhere", "supervisor here", "admin here"],
)
def test_someone_not_a_trainee_of_the_organisation_cannot_be_enrolled(
    client, org_a, org_b, org_admin, programme, outsider
):
    person = outsider(org_a, org_b)
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(person))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "Select a valid choice.")
    assert not Enrolment.objects.exists()


def test_the_enrolment_service_refuses_someone_not_a_trainee_of_the_organisation(
    org_b, org_admin, programme
):
    outsider = member(org_b, Role.TRAINEE)

    with pytest.raises(ValidationError) as error:
        services.enrol_trainee(
            actor=org_admin, programme=programme, trainee=outsider, start_date=today()
        )

    assert "is not a trainee in" in error.value.message_dict["trainee"][0]
    assert not Enrolment.objects.exists()


def test_a_trainee_cannot_be_enrolled_twice_at_once(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "is already enrolled in this programme.")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_an_enrolment_overlapping_a_planned_one_is_refused(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "is already enrolled in this programme.")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_an_enrolment_may_end_before_a_planned_one_starts(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(29)))

    assert response.status_code == 302
    assert Enrolment.objects.filter(trainee=trainee).count() == 2


def test_a_trainee_may_be_enrolled_again_after_an_enrolment_ended(
    client, org_admin, trainee, programme
):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-1))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 302
    assert Enrolment.objects.filter(trainee=trainee).count() == 2


def test_an_enrolment_cannot_end_before_it_starts(client, org_admin, trainee, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(-1)))

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    assert not Enrolment.objects.exists()


def test_a_missing_trainee_is_shown_next_to_the_field(client, org_admin, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), {"start_date": today().isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "This field is required.")


def test_an_admin_ends_an_enrolment(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee)
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": today().isoformat()})

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    enrolment.refresh_from_db()
    assert enrolment.end_date == today()
    assert f"{trainee}'s enrolment ends on {today():%d %b %Y}." in messages_of(
        client.get(response.url)
    )


def test_an_enrolment_cannot_be_ended_before_it_started(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-10))
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": day(-11).isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_a_planned_enrolment_end_can_be_brought_forward_but_not_pushed_back(
    client, org_admin, trainee, programme
):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee, end_date=day(30))
    client.force_login(org_admin)

    later = client.post(end_url(enrolment), {"end_date": day(31).isoformat()})
    assert later.status_code == 200
    assert_inline_error(later, "end_date", "Choose that day or an earlier one.")

    sooner = client.post(end_url(enrolment), {"end_date": today().isoformat()})
    assert sooner.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == today()


def test_an_ended_enrolment_cannot_be_reopened_over_a_later_one(
    client, org_admin, trainee, programme
):
    ended = EnrolmentFactory(
        programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-10)
    )
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-9))
    client.force_login(org_admin)

    response = client.post(end_url(ended), {"end_date": day(30).isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This enrolment has already ended.")
    ended.refresh_from_db()
    assert ended.end_date == day(-10)


def test_a_missing_end_date_is_shown_next_to_the_field(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee)
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": ""})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This field is required.")


def test_the_programme_page_offers_to_end_running_and_planned_enrolments_only(
    client, org_admin, trainee, other_trainee, programme
):
    running = EnrolmentFactory(programme=programme, trainee=trainee)
    planned = EnrolmentFactory(programme=programme, trainee=other_trainee, end_date=day(30))
    ended = EnrolmentFactory(
        programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-31)
    )
    client.force_login(org_admin)

    html = client.get(
        reverse("curriculum:programme_detail", args=[programme.organisation.slug, programme.pk])
    ).content.decode()

    assert end_url(running) in html
    assert end_url(planned) in html
    assert end_url(ended) not in html


def test_the_programme_page_shows_50_enrolments_a_page_each_once(
    client, org_a, org_admin, programme
):
    # A cohort starts on the same day, so the order must not rest on the start date alone.
    for _ in range(60):
        EnrolmentFactory(programme=programme, trainee=member(org_a, Role.TRAINEE))
    client.force_login(org_admin)
    url = reverse("curriculum:programme_detail", args=[org_a.slug, programme.pk])

    first = client.get(url).context["enrolments"]
    second = client.get(url, {"page": 2}).context["enrolments"]

    assert (len(first.object_list), len(second.object_list)) == (50, 10)
    assert len({*first.object_list, *second.object_list}) == 60
