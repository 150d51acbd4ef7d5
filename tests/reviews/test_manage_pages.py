"""The organisation admins' pages: a programme's review requirements, the report's
questions and trainees' review dates. Anyone else is told the pages do not exist."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from reviews import selectors
from reviews.models import ReviewRequirement
from reviews.questions import DEFAULT_QUESTIONS
from tests.factories import EnrolmentFactory
from tests.helpers import (
    NOT_THE_ORGANISATIONS_ADMINS,
    ORGANISATION_ADMIN_PAGE_ANSWERS,
    assert_answered,
    assert_inline_error,
    assert_post_refused,
    queries_for,
    sign_in_as,
)

pytestmark = pytest.mark.django_db


def urls(programme, enrolment):
    slug, pk = programme.organisation.slug, programme.pk
    return {
        "programmes": reverse("reviews:programmes", args=[slug]),
        "manage": reverse("reviews:manage", args=[slug, pk]),
        "questions": reverse("reviews:questions", args=[slug, pk]),
        "review_date": reverse("reviews:review_date", args=[slug, pk, enrolment.pk]),
    }


@pytest.mark.parametrize("page", ["programmes", "manage", "questions", "review_date"])
@pytest.mark.parametrize(("persona", "answer"), ORGANISATION_ADMIN_PAGE_ANSWERS)
def test_only_the_organisations_admins_open_the_pages(
    client, request, page, persona, answer, programme, enrolment
):
    sign_in_as(client, request, persona)
    assert_answered(client.get(urls(programme, enrolment)[page]), answer)


@pytest.mark.parametrize("persona", NOT_THE_ORGANISATIONS_ADMINS)
def test_nobody_else_sets_a_requirement(client, request, persona, programme):
    sign_in_as(client, request, persona)
    url = reverse("reviews:requirement_add", args=[programme.organisation.slug, programme.pk])
    response = client.post(url, {"kind": "cpd_credits", "target": 50})
    assert_post_refused(response, persona)
    assert not ReviewRequirement.objects.exists()


def test_an_admin_sets_and_removes_requirements(client, org_admin, programme):
    client.force_login(org_admin)
    slug = programme.organisation.slug
    add = reverse("reviews:requirement_add", args=[slug, programme.pk])

    response = client.post(add, {"kind": "assessments", "assessment_type": "cbd", "target": 4})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Case-based discussion (CBD)" in page

    refused = client.post(add, {"kind": "assessments", "target": 4})
    assert refused.status_code == 200
    assert_inline_error(refused, "assessment_type", "Choose which type of assessment counts.")

    requirement = ReviewRequirement.objects.get()
    remove = reverse("reviews:requirement_remove", args=[slug, programme.pk, requirement.pk])
    assert client.post(remove).status_code == 302
    assert not ReviewRequirement.objects.exists()


def test_an_admin_replaces_the_report_questions(client, org_admin, programme, enrolment):
    client.force_login(org_admin)
    url = urls(programme, enrolment)["questions"]

    refused = client.post(url, {"questions": "[{"})
    assert_inline_error(refused, "questions", "This is not JSON")
    refused = client.post(url, {"questions": json.dumps([{"key": "x", "type": "choice"}])})
    assert_inline_error(refused, "questions", "question 1: 'label' is a required property")

    own = [{"key": "summary", "type": "text", "label": "Summary of the year"}]
    assert client.post(url, {"questions": json.dumps(own)}).status_code == 302
    assert selectors.report_questions_of(programme) == own
    assert (
        "Summary of the year" in client.get(urls(programme, enrolment)["manage"]).content.decode()
    )

    assert client.post(url, {"questions": ""}).status_code == 302
    assert selectors.report_questions_of(programme) == DEFAULT_QUESTIONS


def test_an_admin_moves_a_trainees_review_date(client, org_admin, programme, enrolment):
    client.force_login(org_admin)
    url = urls(programme, enrolment)["review_date"]
    moved = enrolment.start_date + timedelta(days=200)

    assert client.post(url, {"review_date": moved.isoformat()}).status_code == 302
    enrolment.refresh_from_db()
    assert selectors.review_date_of(enrolment) == moved
    refused = client.post(url, {"review_date": enrolment.start_date.isoformat()})
    assert_inline_error(refused, "review_date", "The review comes after the enrolment starts.")


def test_the_programme_page_costs_the_same_for_many_trainees(
    client, org_admin, programme, enrolment
):
    client.force_login(org_admin)
    url = urls(programme, enrolment)["manage"]
    few = queries_for(client, url)
    for _ in range(4):
        EnrolmentFactory(programme=programme)
    assert queries_for(client, url) == few
