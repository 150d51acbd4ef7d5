"""Who may open the pages about a supervised trainee: their supervisors of today, and
nobody else. Everyone else is told there is no such trainee."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portfolio import services
from portfolio.models import SupervisorLastViewed
from tests.helpers import assert_answered, sign_in_as

pytestmark = pytest.mark.django_db

PAGES = ["portfolio:trainee_portfolio", "portfolio:trainee_entries", "badges:trainee_badges"]

ANSWERS = [
    ("anonymous", "login"),
    ("trainee", 404),  # their own page is the supervisor's view: they have their own pages
    ("other_trainee", 404),
    ("other_supervisor", 404),
    ("former_supervisor", 404),
    ("org_admin", 404),
    ("supervisor", 200),
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("persona", "answer"), ANSWERS)
def test_only_a_current_supervisor_opens_a_trainees_pages(
    client, request, enrolled_trainee, supervisor, page, persona, answer
):
    sign_in_as(client, request, persona)

    response = client.get(reverse(page, args=[enrolled_trainee.pk]))

    assert_answered(response, answer)


@pytest.mark.parametrize("page", PAGES)
def test_a_trainee_nobody_has_is_not_found_either(client, supervisor, page):
    client.force_login(supervisor)

    assert client.get(reverse(page, args=[987654])).status_code == 404


def test_a_refused_look_records_no_visit(client, enrolled_trainee, former_supervisor):
    client.force_login(former_supervisor)

    client.get(reverse("portfolio:trainee_portfolio", args=[enrolled_trainee.pk]))

    assert not SupervisorLastViewed.objects.exists()


def test_the_visit_service_refuses_anyone_but_a_current_supervisor(
    enrolled_trainee, former_supervisor, other_supervisor
):
    for someone in (former_supervisor, other_supervisor, enrolled_trainee):
        with pytest.raises(PermissionDenied):
            services.record_portfolio_visit(trainee=enrolled_trainee, actor=someone)
    assert not SupervisorLastViewed.objects.exists()


def test_entries_of_someone_elses_trainee_are_not_reached_through_the_entries_page(
    client, enrolled_trainee, log, submit, other_supervisor
):
    submit(log(title="Sepsis teaching"))
    client.force_login(other_supervisor)

    response = client.get(reverse("portfolio:entry_list"), {"trainee": enrolled_trainee.pk})

    assert response.status_code == 302
    assert client.get(response.url).status_code == 404
