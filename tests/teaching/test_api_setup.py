"""An organisation's admins set up teaching through the API as on the pages: a programme,
then its sessions, through the same services and with the same refusals; nobody else can,
and another organisation's programme is not one they can name."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from teaching.models import TeachingProgramme, TeachingSession
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

PROGRAMMES = "/api/v1/teaching-programmes/"
SESSIONS = "/api/v1/teaching-sessions/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def programme(org_a, org_admin):
    return TeachingProgramme.objects.create(organisation=org_a, slug="fy1", name="FY1 teaching")


def new_session(programme, **fields):
    return {
        "programme": programme.pk,
        "title": "Sepsis: the first hour",
        "starts_at": "2026-12-01T13:00:00Z",
        "duration_minutes": 90,
        "mandatory": True,
        "location": "Education centre",
        **fields,
    }


# --- Programmes ----------------------------------------------------------------------------------


def test_an_admin_creates_a_programme(org_a, org_admin):
    response = client_for(org_admin).post(
        PROGRAMMES,
        {"organisation": org_a.pk, "name": "FY1 teaching", "slug": "fy1-teaching"},
        format="json",
    )

    assert response.status_code == 201, response.content
    programme = TeachingProgramme.objects.get(slug="fy1-teaching")
    assert response.json() == {
        "id": programme.pk,
        "organisation": org_a.pk,
        "slug": "fy1-teaching",
        "name": "FY1 teaching",
        "session_count": 0,
    }
    audited = AuditEntry.objects.get(action="teaching_programme_create")
    assert (audited.actor, audited.object_id) == (org_admin, str(programme.pk))


def test_a_slug_already_used_is_refused_as_on_the_page(org_a, org_admin, programme):
    response = client_for(org_admin).post(
        PROGRAMMES, {"organisation": org_a.pk, "name": "Again", "slug": "fy1"}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"slug": ["Another teaching programme already uses this slug."]}


def test_fields_the_page_would_refuse_are_named(org_a, org_admin):
    response = client_for(org_admin).post(
        PROGRAMMES, {"organisation": org_a.pk, "name": "", "slug": "Not a slug!"}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"name", "slug"}
    assert not TeachingProgramme.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_nobody_else_creates_one_for_the_organisation(request, org_a, supervisor, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        PROGRAMMES, {"organisation": org_a.pk, "name": "Intruders", "slug": "x"}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    # The same answer as for an organisation that does not exist: nothing is given away.
    assert list(error["fields"]) == ["organisation"]
    assert "does not exist" in error["fields"]["organisation"][0]
    assert not TeachingProgramme.objects.exists()


# --- Sessions ------------------------------------------------------------------------------------


def test_an_admin_creates_a_session_with_its_check_in_code(org_admin, programme):
    response = client_for(org_admin).post(SESSIONS, new_session(programme), format="json")

    assert response.status_code == 201, response.content
    session = TeachingSession.objects.get(programme=programme)
    body = response.json()
    assert (body["id"], body["check_in_code"], body["attended"]) == (
        session.pk,
        session.check_in_code,
        0,
    )
    assert (session.title, session.duration_minutes, session.mandatory, session.location) == (
        "Sepsis: the first hour",
        90,
        True,
        "Education centre",
    )
    assert session.starts_at.isoformat() == "2026-12-01T13:00:00+00:00"
    assert AuditEntry.objects.filter(action="teaching_session_create", object_id=str(session.pk))
    # The page shows it in the programme's sessions.
    listed = client_for(org_admin).get(SESSIONS, {"programme": programme.pk}).json()["results"]
    assert [s["id"] for s in listed] == [session.pk]


def test_a_time_without_an_offset_is_the_sites_local_time_as_on_the_page(org_admin, programme):
    response = client_for(org_admin).post(
        SESSIONS,
        {"programme": programme.pk, "title": "Consent", "starts_at": "2026-07-01T13:00"},
        format="json",
    )
    assert response.status_code == 201, response.content
    session = TeachingSession.objects.get()
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-07-01 13:00"
    assert (session.duration_minutes, session.mandatory, session.location) == (60, False, "")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"starts_at": "next tuesday"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:05:00Z"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:50:00Z"}, "starts_at"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 12 * 60 + 1}, "duration_minutes"),
        ({"location": "x" * 201}, "location"),
    ],
)
def test_fields_the_page_would_refuse_are_named_for_sessions(org_admin, programme, change, field):
    response = client_for(org_admin).post(SESSIONS, new_session(programme, **change), format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == [field]
    assert not TeachingSession.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_nobody_else_adds_a_session_to_the_programme(request, programme, supervisor, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        SESSIONS, new_session(programme), format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["programme"]
    assert not TeachingSession.objects.exists()


@pytest.mark.parametrize("url", [PROGRAMMES, SESSIONS])
def test_signed_out_callers_get_401(url, programme):
    assert_error(client_for().post(url, {}, format="json"), 401)
