"""CPD credits per appraisal year through the API, as the dashboard counts them: the
trainee's own, and a supervised trainee's for their supervisor."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from portfolio import selectors
from portfolio.models import Status
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

CPD = "/api/v1/cpd/"


@pytest.fixture
def this_year(frozen_today):
    return selectors.appraisal_year(frozen_today)[0]


@pytest.fixture
def credits(log, make_entry, this_year):
    """Credits this appraisal year (a draft and a signed-off entry), on the last day of the
    one before, and none in the year between that and two years back."""
    log(title="Course", date=this_year, cpd_credits=Decimal("6.5"), duration_minutes=390)
    make_entry(Status.SIGNED_OFF, title="Ward teaching", date=this_year, duration_minutes=60)
    log(title="Last year", date=this_year - timedelta(days=1), cpd_credits=Decimal("3"))
    log(title="Three years ago", date=this_year.replace(year=this_year.year - 3))


def test_a_trainee_reads_every_appraisal_year_newest_first(api_as, trainee, credits, this_year):
    response = api_as(trainee).get(CPD)

    assert response.status_code == 200, response.content
    years = response.json()
    assert [y["year"] for y in years] == [this_year.year - n for n in range(4)]
    current, last, empty, first = years
    assert current["start"] == str(this_year)
    assert current["end"] == str(this_year.replace(year=this_year.year + 1) - timedelta(days=1))
    # The draft counts, as on the dashboard; one credit per hour unless given.
    assert current["credits"] == "7.50" and current["hours"] == "7.50"
    assert current["target"] == 50 and current["met"] is False
    assert len(current["months"]) == 12
    assert current["months"][0] == {"month": str(this_year), "credits": "7.50"}
    assert last["credits"] == "3.00" and last["months"][-1]["credits"] == "3.00"
    assert empty["credits"] == "0.00" and empty["hours"] == "0.00"
    assert first["credits"] == "0.00"


def test_the_totals_are_the_dashboards(client, api_as, trainee, credits):
    client.force_login(trainee)
    dashboard = client.get(reverse("portfolio:dashboard")).context["credits"]

    current = api_as(trainee).get(CPD).json()[0]

    assert Decimal(current["credits"]) == dashboard["total"]
    assert current["target"] == dashboard["target"]
    assert [Decimal(m["credits"]) for m in current["months"]] == [c for _, c in dashboard["months"]]


def test_one_year_alone(api_as, trainee, credits, this_year):
    response = api_as(trainee).get(f"{CPD}?year={this_year.year - 1}")

    assert [(y["year"], y["credits"]) for y in response.json()] == [(this_year.year - 1, "3.00")]


def test_a_trainee_with_nothing_logged_has_the_current_year(api_as, trainee, this_year):
    years = api_as(trainee).get(CPD).json()

    assert [(y["year"], y["credits"], y["met"]) for y in years] == [(this_year.year, "0.00", False)]


@pytest.mark.parametrize(
    ("query", "field"), [("year=2999", "year"), ("year=1066", "year"), ("year=x", "year"),
                         ("trainee=abc", "trainee"), ("trainee=0", "trainee")],
)  # fmt: skip
def test_a_year_or_trainee_that_cannot_be_is_refused_by_the_field(api_as, trainee, query, field):
    error = assert_error(api_as(trainee).get(f"{CPD}?{query}"), 400, "invalid")

    assert set(error["fields"]) == {field}


def test_a_supervisor_reads_a_supervised_trainees_credits(api_as, supervisor, trainee, credits):
    response = api_as(supervisor).get(f"{CPD}?trainee={trainee.pk}")

    assert response.status_code == 200, response.content
    assert response.json()[0]["credits"] == "7.50"


@pytest.mark.parametrize(
    "who", ["other_trainee", "ended_supervisor", "other_supervisor", "org_admin"]
)
def test_nobody_else_reads_a_trainees_credits(api_as, people, credits, who):
    response = api_as(people[who]).get(f"{CPD}?trainee={people['trainee'].pk}")

    assert_error(response, 404, "not_found")


def test_naming_yourself_is_your_own(api_as, trainee, credits):
    assert api_as(trainee).get(f"{CPD}?trainee={trainee.pk}").json()[0]["credits"] == "7.50"


def test_the_years_cost_one_query_however_many(
    api_as, trainee, log, this_year, django_assert_num_queries
):
    client = api_as(trainee)
    client.get(CPD)  # the token's first use of the minute records it: not the list's cost
    log(date=this_year)
    # The token with its user; the entries' monthly totals.
    with django_assert_num_queries(2):
        assert len(client.get(CPD).json()) == 1
    for years_back in range(1, 6):
        log(date=this_year.replace(year=this_year.year - years_back))
    with django_assert_num_queries(2):
        assert len(client.get(CPD).json()) == 6
