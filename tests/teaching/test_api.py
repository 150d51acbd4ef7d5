"""The teaching API: an organisation's admins read its programmes and sessions and mark
registers; trainees check in with a session's code, through the same services as the pages
and with the same refusals, in the one error format."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from teaching.models import Attendance
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.conftest import member

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

PROGRAMMES = "/api/v1/teaching-programmes/"
SESSIONS = "/api/v1/teaching-sessions/"
CHECK_IN = "/api/v1/teaching-sessions/check-in/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def session(org_a, session_of):
    return session_of(org_a, code="042917", mandatory=True, location="Education centre")


def register_url(session):
    return f"{SESSIONS}{session.pk}/register/"


# --- Who reads an organisation's teaching --------------------------------------------------------


def test_an_admin_reads_the_organisations_programmes_and_sessions(session, org_admin, trainee):
    other = session.programme.sessions.create(title="Consent", starts_at=session.starts_at)
    Attendance.objects.create(
        session=session, trainee=trainee, recorded_by=org_admin, method="register"
    )
    client = client_for(org_admin)

    programmes = client.get(PROGRAMMES).json()["results"]
    assert programmes == [
        {
            "id": session.programme.pk,
            "organisation": session.programme.organisation_id,
            "slug": "fy-teaching",
            "name": "FY teaching",
            "session_count": 2,
        }
    ]
    assert client.get(f"{PROGRAMMES}{session.programme.pk}/").json() == programmes[0]

    listed = client.get(SESSIONS, {"programme": session.programme.pk}).json()["results"]
    assert [(s["id"], s["attended"]) for s in listed] == [(other.pk, 0), (session.pk, 1)]
    detail = client.get(f"{SESSIONS}{session.pk}/").json()
    opens, closes = session.check_in_window
    assert detail["check_in_code"] == "042917"
    assert (detail["mandatory"], detail["location"], detail["attended"]) == (
        True,
        "Education centre",
        1,
    )
    assert detail["check_in_opens"] == opens.isoformat().replace("+00:00", "Z")
    assert detail["check_in_closes"] == closes.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_nobody_else_reads_them(request, session, supervisor, org_b_admin, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PROGRAMMES).json()["results"] == []
    assert client.get(SESSIONS).json()["results"] == []
    assert_error(client.get(f"{PROGRAMMES}{session.programme.pk}/"), 404, "not_found")
    assert_error(client.get(f"{SESSIONS}{session.pk}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", PROGRAMMES), ("get", SESSIONS), ("post", CHECK_IN), ("post", "register")],
)
def test_signed_out_callers_get_401(session, method, url):
    url = register_url(session) if url == "register" else url
    assert_error(getattr(client_for(), method)(url, {}, format="json"), 401)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_programmes_and_sessions_are_not_changed_or_deleted(session, org_admin, method):
    client = client_for(org_admin)
    for url in (PROGRAMMES, f"{PROGRAMMES}{session.programme.pk}/", f"{SESSIONS}{session.pk}/"):
        assert_error(getattr(client, method)(url, {}, format="json"), 405)


# --- Marking the register ------------------------------------------------------------------------


def test_an_admin_marks_the_register(session, org_admin, trainee, other_trainee):
    response = client_for(org_admin).post(
        register_url(session), {"trainees": [trainee.pk, other_trainee.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    marked = response.json()
    assert [(a["trainee"], a["method"]) for a in marked] == [
        (trainee.pk, "register"),
        (other_trainee.pk, "register"),
    ]
    assert marked[0]["session"]["id"] == session.pk
    attendance = Attendance.objects.get(trainee=trainee)
    assert (attendance.recorded_by, marked[0]["event"]) == (org_admin, attendance.entry_id)


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
def test_nobody_else_marks_it(request, session, supervisor, org_b_admin, trainee, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        register_url(session), {"trainees": [trainee.pk]}, format="json"
    )
    assert_error(response, 404, "not_found")
    assert not Attendance.objects.exists()


def test_the_register_refuses_people_from_elsewhere_by_field(session, org_b, org_admin, trainee):
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    client = client_for(org_admin)
    response = client.post(
        register_url(session), {"trainees": [trainee.pk, outsider.pk]}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"trainees": [f"Not trainees of this organisation: {outsider}."]}
    error = assert_error(client.post(register_url(session), {"trainees": []}, format="json"), 400)
    assert list(error["fields"]) == ["trainees"]
    assert not Attendance.objects.exists()


# --- Checking in ---------------------------------------------------------------------------------


def test_a_trainee_checks_in_with_the_code(session, trainee):
    response = client_for(trainee).post(CHECK_IN, {"code": "042 917"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    attendance = Attendance.objects.get(trainee=trainee)
    assert (body["id"], body["method"], body["trainee"]) == (attendance.pk, "check_in", trainee.pk)
    assert body["session"]["title"] == "Sepsis"
    assert body["event"] == attendance.entry_id and attendance.entry.trainee == trainee


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("042918", "No session of your organisations running now has that code."),
        ("4291", "Enter the 6 digits of the code, for example 042917."),
    ],
)
def test_a_wrong_code_is_refused_by_field(session, trainee, code, message):
    error = assert_error(client_for(trainee).post(CHECK_IN, {"code": code}, format="json"), 400)
    assert message in error["fields"]["code"][0]
    assert not Attendance.objects.exists()


def test_check_in_outside_the_session_is_refused(session, trainee):
    session.starts_at = timezone.now() - timedelta(hours=3)
    session.save()
    error = assert_error(client_for(trainee).post(CHECK_IN, {"code": "042917"}, format="json"), 400)
    assert error["fields"] == {"code": ["Check-in is open only during the session."]}


def test_the_attempt_limit_holds_through_the_api_and_the_page_alike(client, session, trainee):
    api = client_for(trainee)
    client.force_login(trainee)
    for guess in range(5):
        api.post(CHECK_IN, {"code": f"{guess:06d}"}, format="json")
        client.post("/check-in/", {"code": f"{guess + 5:06d}"})
    error = assert_error(api.post(CHECK_IN, {"code": "042917"}, format="json"), 400)
    assert error["fields"] == {"code": ["Too many wrong codes. Wait 15 minutes, then try again."]}
    assert not Attendance.objects.exists()


def test_people_who_are_not_trainees_there_cannot_check_in(session, org_admin, org_b_admin):
    for person in (org_admin, org_b_admin):
        response = client_for(person).post(CHECK_IN, {"code": "042917"}, format="json")
        assert_error(response, 400, "invalid")
    assert not Attendance.objects.exists()


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_teaching_endpoints_and_their_errors():
    schema = client_for().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths[PROGRAMMES]) == {"get", "post"}
    assert set(paths[f"{SESSIONS}{{id}}/"]) == {"get"}
    register = paths[f"{SESSIONS}{{id}}/register/"]["post"]
    check_in = paths[CHECK_IN]["post"]
    # 403: an OAuth token without the scope the operation declares.
    assert set(register["responses"]) == {"200", "400", "401", "403", "404", "415", "429"}
    assert set(check_in["responses"]) == {"201", "400", "401", "403", "415", "429"}
    for operation in (register, check_in):
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert error["$ref"].endswith("/Error")
    assert "teaching" in paths[PROGRAMMES]["get"]["tags"]
