"""The forecast page and the report pages: who may open them, what they say, and what they
cost in queries however much the portfolio holds."""

from datetime import timedelta

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import SupervisorReport
from tests.factories import EnrolmentFactory, ProgrammeFactory
from tests.helpers import assert_answered, assert_inline_error, messages_of, queries_for

pytestmark = pytest.mark.django_db

ANSWERS = {
    "answer_overall_progress": "Steady progress on the acute take.",
    "answer_strengths": "Calm under pressure.",
    "answer_development_needs": "More DOPS.",
    "answer_recommendation": "Satisfactory progress",
}


def forecast_url(enrolment):
    return reverse("reviews:forecast", args=[enrolment.pk])


@pytest.mark.parametrize(
    ("persona", "answer"),
    [
        ("anonymous", "login"),
        ("enrolled_trainee", 200),
        ("educational_supervisor", 200),
        ("clinical_supervisor", 200),
        ("org_admin", 200),
        ("org_b_admin", 404),
        ("other_trainee", 404),
    ],
)
def test_who_may_open_the_forecast(client, request, persona, answer, enrolment):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert_answered(client.get(forecast_url(enrolment)), answer)


def test_the_forecast_names_what_is_at_risk_and_why(
    client, requirements, enrolment, enrolled_trainee, frozen_today
):
    client.force_login(enrolled_trainee)
    page = client.get(forecast_url(enrolment)).content.decode()

    assert "Your annual review forecast" in page
    assert "<strong>4 at risk</strong>" in page
    assert "0 of 4 CBDs; none since" in page and "4 more needed." in page
    assert "Not met yet (3)" in page


def test_a_supervisor_reads_about_the_trainee_and_may_write_a_report(
    client, requirements, enrolment, educational_supervisor, clinical_supervisor
):
    client.force_login(educational_supervisor)
    page = client.get(forecast_url(enrolment)).content.decode()
    assert f"Annual review forecast for {enrolment.trainee}" in page
    assert "at their pace" in page or "none since" in page
    assert "Write a report" in page

    client.force_login(clinical_supervisor)
    assert "Write a report" not in client.get(forecast_url(enrolment)).content.decode()


def test_the_forecast_costs_the_same_however_much_the_portfolio_holds(
    client, requirements, enrolment, enrolled_trainee, completed_assessment, log, frozen_today,
    fpcs, django_assert_num_queries,
):  # fmt: skip
    client.force_login(enrolled_trainee)
    url = forecast_url(enrolment)
    # Session and user, roles for the menu, the enrolment, requirements, assessments,
    # credits, coverage (three), and the reports.
    with django_assert_num_queries(11):
        client.get(url)
    for n in range(3):
        completed_assessment("cbd", frozen_today - timedelta(days=n + 1), items=[fpcs["FPC2"]])
        log(title=f"Teaching {n}", date=frozen_today - timedelta(days=n), cpd_credits=1)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_own_reviews_go_straight_to_the_only_forecast(client, enrolment, enrolled_trainee):
    client.force_login(enrolled_trainee)
    response = client.get(reverse("reviews:own"))
    assert response.status_code == 302 and response.url == forecast_url(enrolment)


def test_a_trainees_reviews_are_for_their_supervisors_only(
    client, enrolment, educational_supervisor, other_trainee
):
    url = reverse("reviews:trainee", args=[enrolment.trainee_id])
    client.force_login(educational_supervisor)
    assert client.get(url).url == forecast_url(enrolment)
    client.force_login(other_trainee)
    assert client.get(url).status_code == 404


def test_the_dashboard_coverage_and_supervisors_page_link_to_the_forecast(
    client, enrolment, enrolled_trainee, educational_supervisor
):
    client.force_login(enrolled_trainee)
    own = reverse("reviews:own").encode()
    assert own in client.get(reverse("portfolio:dashboard")).content
    assert own in client.get(reverse("portfolio:my_coverage"), follow=True).content
    client.force_login(educational_supervisor)
    theirs = reverse("reviews:trainee", args=[enrolled_trainee.pk]).encode()
    page = client.get(reverse("portfolio:trainee_portfolio", args=[enrolled_trainee.pk]))
    assert theirs in page.content


# --- The report -------------------------------------------------------------------------------


def start(client, enrolment, supervisor) -> SupervisorReport:
    client.force_login(supervisor)
    response = client.post(reverse("reviews:report_start", args=[enrolment.pk]))
    report = SupervisorReport.objects.get(enrolment=enrolment, supervisor=supervisor)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    return report


def form(report, **answers):
    return {
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        **answers,
    }


def test_a_report_from_draft_to_signed_read_by_the_trainee_and_the_admins(
    client, enrolment, educational_supervisor, enrolled_trainee, org_admin, programme
):
    report = start(client, enrolment, educational_supervisor)
    draft = client.get(report.get_absolute_url()).content.decode()
    assert "Entries logged in the period" in draft and "Save draft" in draft
    assert f"Coverage of {programme.name}" in draft

    response = client.post(
        report.get_absolute_url(), form(report, answer_strengths="Calm.", save="")
    )
    assert response.status_code == 302 and messages_of(response) == ["Draft saved."]

    refused = client.post(
        report.get_absolute_url(), form(report, answer_strengths="Calm.", sign="")
    )
    assert refused.status_code == 200
    assert_inline_error(
        refused, "answer_recommendation", "Answer this question before signing the report."
    )

    signed = client.post(report.get_absolute_url(), form(report, **ANSWERS, sign=""))
    assert signed.status_code == 302
    report.refresh_from_db()
    assert report.is_locked

    for reader in (enrolled_trainee, org_admin, educational_supervisor):
        client.force_login(reader)
        page = client.get(report.get_absolute_url()).content.decode()
        assert "Signed by" in page and report.content_hash in page
        assert "Calm under pressure." in page and "Save draft" not in page


def test_a_draft_is_its_supervisors_alone(
    client, enrolment, educational_supervisor, enrolled_trainee, org_admin
):
    report = services.start_report(actor=educational_supervisor, enrolment=enrolment)
    for other in (enrolled_trainee, org_admin):
        client.force_login(other)
        assert client.get(report.get_absolute_url()).status_code == 404
        assert client.post(report.get_absolute_url(), form(report, **ANSWERS)).status_code == 404


def test_a_signed_report_cannot_be_changed_from_its_page(client, enrolment, educational_supervisor):
    report = start(client, enrolment, educational_supervisor)
    client.post(report.get_absolute_url(), form(report, **ANSWERS, sign=""))

    response = client.post(
        report.get_absolute_url(), form(report, **{**ANSWERS, "answer_strengths": "Changed."})
    )
    assert "This report is signed, so it is locked." in messages_of(response)
    report.refresh_from_db()
    assert report.answers["strengths"] == "Calm under pressure."


def test_only_an_educational_supervisor_starts_one_from_the_page(
    client, enrolment, clinical_supervisor, enrolled_trainee
):
    for refused in (clinical_supervisor, enrolled_trainee):
        client.force_login(refused)
        assert client.post(reverse("reviews:report_start", args=[enrolment.pk])).status_code == 403
    assert not SupervisorReport.objects.exists()


@pytest.mark.parametrize("signed", [False, True], ids=["draft", "signed"])
def test_the_report_page_costs_a_fixed_number_of_queries(
    client, signed, enrolment, educational_supervisor, programme, django_assert_num_queries
):
    report = start(client, enrolment, educational_supervisor)
    if signed:
        client.post(report.get_absolute_url(), form(report, **ANSWERS, sign=""))
    # Session and user, roles, the report; a draft works out the counts afresh (five).
    with django_assert_num_queries(9 if not signed else 4):
        assert client.get(report.get_absolute_url()).status_code == 200
    assert queries_for(client, report.get_absolute_url()) == (9 if not signed else 4)


def test_a_trainee_in_several_programmes_chooses_one_at_a_fixed_cost(
    client, enrolment, enrolled_trainee, org_a
):
    client.force_login(enrolled_trainee)
    url = reverse("reviews:own")
    EnrolmentFactory(trainee=enrolled_trainee, programme=ProgrammeFactory(organisation=org_a))
    two = queries_for(client, url)
    for _ in range(3):
        EnrolmentFactory(trainee=enrolled_trainee, programme=ProgrammeFactory(organisation=org_a))
    page = client.get(url).content.decode()
    assert page.count('href="/reviews/enrolments/') == 5
    assert queries_for(client, url) == two
