"""A supervisor's trainees through the API: the list, and one trainee's portfolio at a
glance as their page shows it, without recording a look as opening the page does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from portfolio.models import LearningEntry, SignOffRequest, SupervisorLastViewed
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import EnrolmentFactory, ProgrammeFactory, SupervisionFactory

pytestmark = pytest.mark.django_db

TRAINEES = "/api/v1/trainees/"


def backdate(entry, when):
    """As if the entry was logged, changed and sent at `when`."""
    LearningEntry.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)
    SignOffRequest.objects.filter(entry=entry).update(requested_at=when)


# --- The list -------------------------------------------------------------------------------------


def test_a_supervisor_lists_the_trainees_supervised_today(
    api_as, people, enrolled_trainee, org_a, org_b
):
    supervisor = people["supervisor"]
    # A second supervision of the same trainee, elsewhere: one trainee, two supervisions.
    SupervisionFactory(
        supervisor=supervisor, trainee=enrolled_trainee, organisation=org_b, kind="clinical"
    )
    ended = member(org_a, Role.TRAINEE, full_name="Dr Former Trainee")
    SupervisionFactory(
        supervisor=supervisor,
        trainee=ended,
        organisation=org_a,
        start_date=timezone.localdate() - timedelta(days=60),
        end_date=timezone.localdate() - timedelta(days=1),
    )

    response = api_as(supervisor).get(TRAINEES)

    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert row["id"] == enrolled_trainee.pk
    assert row["name"] == enrolled_trainee.get_full_name()
    assert {(s["kind"], s["organisation"]["slug"]) for s in row["supervisions"]} == {
        ("educational", org_a.slug),
        ("clinical", org_b.slug),
    }
    programme = enrolled_trainee.enrolments.get().programme
    assert row["programmes"] == [{"id": programme.pk, "name": programme.name}]


@pytest.mark.parametrize("who", ["trainee", "ended_supervisor", "org_admin"])
def test_anyone_supervising_nobody_today_has_an_empty_list(api_as, people, who):
    response = api_as(people[who]).get(TRAINEES)

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_list_costs_the_same_for_one_trainee_as_for_many(
    api_as, supervisor, enrolled_trainee, org_a, foundation, django_assert_num_queries
):
    client = api_as(supervisor)
    client.get(TRAINEES)  # the token's first use of the minute records it: not the list's cost
    # The token with its user; the count, the page; supervisions, enrolments with programmes.
    with django_assert_num_queries(5):
        assert client.get(TRAINEES).json()["count"] == 1
    for n in range(9):
        trainee = member(org_a, Role.TRAINEE, full_name=f"Dr Trainee {n}")
        SupervisionFactory(supervisor=supervisor, trainee=trainee, organisation=org_a)
        programme = ProgrammeFactory(organisation=org_a, frameworks=[foundation])
        EnrolmentFactory(trainee=trainee, programme=programme)
    with django_assert_num_queries(5):
        body = client.get(TRAINEES).json()
    assert body["count"] == 10 and all(row["programmes"] for row in body["results"])


# --- One trainee ----------------------------------------------------------------------------------


def test_the_overview_is_what_the_trainees_page_shows(
    api_as, enrolled_trainee, supervisor, log, submit, frozen_today
):
    now = timezone.now()
    old = log(title="Old teaching", cpd_credits=Decimal("2"), date=frozen_today)
    submit(old)
    backdate(old, now - timedelta(days=5))
    sent = log(title="Sent since", date=frozen_today, cpd_credits=Decimal("1.5"))
    submit(sent)
    log(title="A draft logged since", date=frozen_today, cpd_credits=Decimal("4"))
    last_look = now - timedelta(days=2)
    SupervisorLastViewed.objects.create(
        supervisor=supervisor, trainee=enrolled_trainee, viewed_at=last_look
    )

    response = api_as(supervisor).get(f"{TRAINEES}{enrolled_trainee.pk}/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["trainee"] == {"id": enrolled_trainee.pk, "name": enrolled_trainee.get_full_name()}
    assert [s["kind"] for s in body["supervisions"]] == ["educational"]
    changes = body["changes"]
    assert changes["total"] == 1
    assert [(e["title"], e["change"]) for e in changes["events"]] == [("Sent since", "submitted")]
    assert body["waiting"]["total"] == 2
    assert [r["event"]["title"] for r in body["waiting"]["requests"]] == [
        "Old teaching",
        "Sent since",
    ]
    assert body["waiting"]["requests"][0]["supervisor"]["id"] == supervisor.pk
    assert body["event_count"] == 2
    # The trainee's own figure, drafts included, as on their dashboard and this page.
    assert body["cpd"]["credits"] == "7.50" and body["cpd"]["target"] == 50
    [programme] = body["programmes"]
    assert programme["name"] == enrolled_trainee.enrolments.get().programme.name
    assert programme["coverage_url"].endswith(
        f"/api/v1/programmes/{programme['id']}/coverage/?trainee={enrolled_trainee.pk}"
    )


def test_reading_the_overview_records_no_look_and_the_page_still_does(
    api_as, client, enrolled_trainee, supervisor, log, submit
):
    submit(log(title="Sent"))
    api = api_as(supervisor)

    first = api.get(f"{TRAINEES}{enrolled_trainee.pk}/").json()

    assert first["last_viewed_at"] is None and first["changes"] is None
    assert not SupervisorLastViewed.objects.exists()
    client.force_login(supervisor)
    client.get(reverse("portfolio:trainee_portfolio", args=[enrolled_trainee.pk]))
    looked = SupervisorLastViewed.objects.get().viewed_at
    again = api.get(f"{TRAINEES}{enrolled_trainee.pk}/").json()
    assert again["last_viewed_at"] is not None and again["changes"]["total"] == 0
    assert SupervisorLastViewed.objects.get().viewed_at == looked


def test_changes_since_a_moment_the_caller_names(api_as, enrolled_trainee, supervisor, log, submit):
    entry = log(title="Sent three days ago")
    submit(entry)
    backdate(entry, timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=4)).isoformat()

    response = api_as(supervisor).get(f"{TRAINEES}{enrolled_trainee.pk}/", {"since": since})

    changes = response.json()["changes"]
    assert [(e["title"], e["change"]) for e in changes["events"]] == [
        ("Sent three days ago", "submitted")
    ]
    assert response.json()["last_viewed_at"] is None


def test_a_moment_that_is_not_one_is_refused_by_the_field(api_as, enrolled_trainee, supervisor):
    response = api_as(supervisor).get(f"{TRAINEES}{enrolled_trainee.pk}/?since=yesterday")

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"since"}


@pytest.mark.parametrize(
    "who", ["trainee", "other_trainee", "ended_supervisor", "other_supervisor", "org_admin"]
)
def test_nobody_but_a_supervisor_today_finds_the_trainee(api_as, people, who):
    response = api_as(people[who]).get(f"{TRAINEES}{people['trainee'].pk}/")

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("trainee_id", ["abc", "99999999999999999999", "1.5"])
def test_an_id_that_cannot_be_one_is_not_found(api_as, supervisor, trainee_id):
    assert_error(api_as(supervisor).get(f"{TRAINEES}{trainee_id}/"), 404, "not_found")


def test_the_overview_costs_the_same_however_many_entries(
    api_as, enrolled_trainee, supervisor, log, submit, fpcs, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            submit(log(title=f"Module {n}", items=[fpcs["FPC3"]]))

    SupervisorLastViewed.objects.create(
        supervisor=supervisor,
        trainee=enrolled_trainee,
        viewed_at=timezone.now() - timedelta(days=1),
    )
    client = api_as(supervisor)
    url = f"{TRAINEES}{enrolled_trainee.pk}/"
    client.get(url)  # the token's first use of the minute records it
    add(2)
    # The token with its user; the trainee; the last look; the changes and their count; the
    # requests waiting and their count; the entries' count; the year's credits; the
    # supervisions; the programmes, and three for the one programme's coverage.
    with django_assert_num_queries(14):
        assert client.get(url).json()["changes"]["total"] == 2
    add(13)
    with django_assert_num_queries(14):
        body = client.get(url).json()
    assert body["changes"]["total"] == 15 and len(body["changes"]["events"]) == 10
    assert body["waiting"]["total"] == 15 and len(body["waiting"]["requests"]) == 10
