"""The organisation admin's teaching pages: programmes, sessions with their check-in code,
and the register; nobody else opens them or changes anything through them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from portfolio.models import LearningEntry
from teaching.models import Attendance, TeachingProgramme, TeachingSession
from tests.conftest import member
from tests.helpers import (
    NOT_THE_ORGANISATIONS_ADMINS,
    ORGANISATION_ADMIN_PAGE_ANSWERS,
    assert_answered,
    assert_inline_error,
    assert_post_refused,
    sign_in_as,
)

pytestmark = pytest.mark.django_db


# --- Who may open the organisation's teaching pages ----------------------------------------------


@pytest.fixture
def scene(org_a, session_of, trainee):
    session = session_of(org_a)
    return {"org": org_a, "programme": session.programme, "session": session, "trainee": trainee}


# Each page: its URL, and a POST that would change something if allowed.
ORG_PAGES = {
    "programmes": (lambda s: reverse("teaching:programmes", args=[s["org"].slug]), None),
    "programme_create": (
        lambda s: reverse("teaching:programme_create", args=[s["org"].slug]),
        lambda s: {"name": "Intruders", "slug": "intruders"},
    ),
    "programme_detail": (
        lambda s: reverse("teaching:programme_detail", args=[s["org"].slug, s["programme"].pk]),
        None,
    ),
    "session_create": (
        lambda s: reverse("teaching:session_create", args=[s["org"].slug, s["programme"].pk]),
        lambda s: {"title": "Fake", "starts_at": "2026-12-01T13:00", "duration_minutes": "60"},
    ),
    "session_detail": (
        lambda s: reverse("teaching:session_detail", args=[s["org"].slug, s["session"].pk]),
        None,
    ),
    "register": (
        lambda s: reverse("teaching:register", args=[s["org"].slug, s["session"].pk]),
        lambda s: {"trainees": [s["trainee"].pk]},
    ),
}


def state():
    """Everything the teaching pages could change."""
    return (
        list(TeachingProgramme.objects.values_list("slug", flat=True)),
        list(TeachingSession.objects.values_list("title", flat=True)),
        Attendance.objects.count(),
    )


@pytest.mark.parametrize("page", ORG_PAGES)
@pytest.mark.parametrize(("persona", "expected"), ORGANISATION_ADMIN_PAGE_ANSWERS)
def test_organisation_teaching_pages_are_for_that_organisations_admins(
    client, request, scene, supervisor, org_b_admin, page, persona, expected
):
    url = ORG_PAGES[page][0](scene)
    sign_in_as(client, request, persona)
    assert_answered(client.get(url), expected)


@pytest.mark.parametrize("page", [name for name, (_, post) in ORG_PAGES.items() if post])
@pytest.mark.parametrize("persona", NOT_THE_ORGANISATIONS_ADMINS)
def test_nobody_else_changes_anything_by_posting(
    client, request, scene, supervisor, org_b_admin, page, persona
):
    url, data = ORG_PAGES[page]
    before = state()
    sign_in_as(client, request, persona)
    assert_post_refused(client.post(url(scene), data(scene)), persona)
    assert state() == before


def test_the_pages_keep_their_addresses(scene):
    org, programme, session = scene["org"], scene["programme"], scene["session"]
    teaching = f"/organisations/{org.slug}/teaching/"
    assert reverse("teaching:check_in") == "/check-in/"
    assert reverse("teaching:programmes", args=[org.slug]) == teaching
    assert reverse("teaching:programme_create", args=[org.slug]) == f"{teaching}new/"
    assert (
        reverse("teaching:programme_detail", args=[org.slug, programme.pk])
        == f"{teaching}{programme.pk}/"
    )
    assert (
        reverse("teaching:session_create", args=[org.slug, programme.pk])
        == f"{teaching}{programme.pk}/sessions/new/"
    )
    assert (
        reverse("teaching:session_detail", args=[org.slug, session.pk])
        == f"{teaching}sessions/{session.pk}/"
    )
    assert (
        reverse("teaching:register", args=[org.slug, session.pk])
        == f"{teaching}sessions/{session.pk}/register/"
    )


def test_admins_find_teaching_in_the_organisation_navigation_apart_from_badges(
    client, org_admin, org_a
):
    client.force_login(org_admin)
    teaching = reverse("teaching:programmes", args=[org_a.slug])
    nav = client.get(reverse("accounts:members", args=[org_a.slug])).content.decode()
    assert f'<a href="{teaching}">Teaching</a>' in nav
    page = client.get(teaching).content.decode()
    assert f'<a href="{teaching}" aria-current="page">Teaching</a>' in page
    # The badge pages' own links are the badges' alone; teaching is reached from the menu.
    badges_page = client.get(reverse("badges:org_badge_classes", args=[org_a.slug]))
    assert badges_page.content.decode().count(f'href="{teaching}"') == 1


# --- Teaching programmes, sessions and the register ----------------------------------------------


def test_an_admin_sets_up_a_programme_and_a_session_with_its_code_on_show(client, org_a, org_admin):
    client.force_login(org_admin)
    response = client.post(
        reverse("teaching:programme_create", args=[org_a.slug]),
        {"name": "FY1 teaching", "slug": "fy1-teaching"},
    )
    programme = TeachingProgramme.objects.get(organisation=org_a, slug="fy1-teaching")
    assert response.url == reverse("teaching:programme_detail", args=[org_a.slug, programme.pk])

    response = client.post(
        reverse("teaching:programme_create", args=[org_a.slug]),
        {"name": "Again", "slug": "fy1-teaching"},
    )
    assert_inline_error(response, "slug", "Another teaching programme already uses this slug.")

    response = client.post(
        reverse("teaching:session_create", args=[org_a.slug, programme.pk]),
        {
            "title": "Sepsis",
            "starts_at": "2026-12-01T13:00",
            "duration_minutes": "90",
            "mandatory": "on",
            "location": "Education centre",
        },
    )
    session = TeachingSession.objects.get(programme=programme)
    assert response.url == reverse("teaching:session_detail", args=[org_a.slug, session.pk])
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 13:00"
    assert (session.duration_minutes, session.mandatory) == (90, True)
    assert len(session.check_in_code) == 6 and session.check_in_code.isdigit()

    html = client.get(response.url).content.decode()
    assert f'<span aria-hidden="true">{session.check_in_code}</span>' in html
    assert 'class="check-in-code"' in html


def test_a_session_in_year_one_is_refused_by_field_rather_than_a_server_error(
    client, org_a, org_admin, session_of
):
    programme = session_of(org_a).programme
    client.force_login(org_admin)

    response = client.post(
        reverse("teaching:session_create", args=[org_a.slug, programme.pk]),
        {"title": "Slip", "starts_at": "0001-01-01T00:05", "duration_minutes": "60"},
    )

    assert response.status_code == 200
    assert_inline_error(response, "starts_at", "Check the year.")
    assert TeachingSession.objects.count() == 1


def test_the_register_marks_the_ticked_trainees_and_logs_their_attendance(
    client, org_a, org_admin, trainee, other_trainee, supervisor, session_of
):
    session = session_of(org_a, starts_at=timezone.now() - timedelta(days=2))
    url = reverse("teaching:register", args=[org_a.slug, session.pk])
    client.force_login(org_admin)
    page = client.get(url).content.decode()
    assert trainee.email in page and other_trainee.email in page
    assert supervisor.email not in page

    response = client.post(url, {})
    assert_inline_error(response, "trainees", "Tick at least one trainee who was there.")

    response = client.post(url, {"trainees": [trainee.pk]})
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session)
    assert (attendance.trainee, attendance.method, attendance.recorded_by) == (
        trainee,
        "register",
        org_admin,
    )
    assert attendance.entry.kind == "teaching_attended"
    assert attendance.entry.trainee == trainee
    assert not LearningEntry.objects.filter(trainee=other_trainee).exists()
    # Once on the register, a trainee is no longer offered.
    offered = client.get(url).content.decode().split("Already recorded")[0]
    assert f"({trainee.email})" not in offered and f"({other_trainee.email})" in offered


def test_the_register_offers_no_one_from_elsewhere(
    client, org_a, org_b, org_admin, trainee, session_of
):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    session = session_of(org_a)
    client.force_login(org_admin)
    response = client.post(
        reverse("teaching:register", args=[org_a.slug, session.pk]),
        {"trainees": [outsider.pk]},
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()
