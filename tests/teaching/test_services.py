"""The teaching services refuse what the actor may not do, whoever calls them: only an admin of
the organisation runs its programmes, sessions and registers, and only the trainee checks
themself in, a limited number of wrong codes at a time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from teaching import services
from teaching.models import Attendance, TeachingProgramme, TeachingSession
from tests.conftest import member

pytestmark = pytest.mark.django_db

NOT_ADMINS = ["trainee", "supervisor", "org_b_admin", "nobody"]


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def actor(request, supervisor, org_b_admin):
    """A persona fixture by name; "nobody" is None, which only the system may be."""
    name = request.param
    return None if name == "nobody" else request.getfixturevalue(name)


# --- Programmes, sessions and registers: the organisation's admins only --------------------------


def test_an_admin_creates_a_programme_and_a_session(org_a, org_admin):
    programme = services.create_teaching_programme(
        organisation=org_a, actor=org_admin, name="FY1 teaching", slug="fy1-teaching"
    )
    session = services.create_teaching_session(
        programme=programme,
        actor=org_admin,
        title="Sepsis",
        starts_at=datetime(2026, 12, 1, 13, 0, tzinfo=UTC),
    )
    assert session.check_in_code.isdigit() and len(session.check_in_code) == 6
    assert list(AuditEntry.objects.filter(actor=org_admin).values_list("action", flat=True)) == [
        "teaching_programme_create",
        "teaching_session_create",
    ]


@pytest.mark.parametrize("actor", NOT_ADMINS, indirect=True)
def test_only_the_organisations_admins_create_programmes(org_a, actor):
    with pytest.raises(PermissionDenied):
        services.create_teaching_programme(
            organisation=org_a, actor=actor, name="Intruders", slug="intruders"
        )
    assert not TeachingProgramme.objects.exists()


@pytest.mark.parametrize("actor", NOT_ADMINS, indirect=True)
def test_only_the_organisations_admins_create_sessions(org_a, session_of, actor):
    programme = session_of(org_a).programme
    with pytest.raises(PermissionDenied):
        services.create_teaching_session(
            programme=programme, actor=actor, title="Fake", starts_at=timezone.now()
        )
    assert TeachingSession.objects.count() == 1


@pytest.mark.parametrize("minutes", [4, 12 * 60 + 1, 0])
def test_a_session_lasts_from_five_minutes_to_twelve_hours(org_a, org_admin, session_of, minutes):
    programme = session_of(org_a).programme
    with pytest.raises(ValidationError) as refused:
        services.create_teaching_session(
            programme=programme,
            actor=org_admin,
            title="Too short or too long",
            starts_at=timezone.now(),
            duration_minutes=minutes,
        )
    assert refused.value.message_dict == {
        "duration_minutes": ["A session lasts from 5 to 720 minutes."]
    }
    assert TeachingSession.objects.count() == 1


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(1, 1, 1, 0, 5, tzinfo=UTC),
        datetime(1900, 6, 1, 13, 0, tzinfo=UTC),
        datetime(2300, 6, 1, 13, 0, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 50, tzinfo=UTC),
    ],
)
def test_a_session_starting_in_another_century_is_a_typing_slip(
    org_a, org_admin, session_of, starts_at
):
    programme = session_of(org_a).programme
    with pytest.raises(ValidationError) as refused:
        services.create_teaching_session(
            programme=programme, actor=org_admin, title="Slip", starts_at=starts_at
        )
    assert list(refused.value.message_dict) == ["starts_at"]
    assert "Check the year." in refused.value.message_dict["starts_at"][0]
    assert TeachingSession.objects.count() == 1


@pytest.mark.parametrize("actor", NOT_ADMINS, indirect=True)
def test_only_the_organisations_admins_mark_the_register(org_a, session_of, trainee, actor):
    session = session_of(org_a)
    with pytest.raises(PermissionDenied):
        services.mark_register(session=session, trainees=[trainee], actor=actor)
    assert not Attendance.objects.exists()


def test_the_register_is_all_or_none_and_marks_each_trainee_once(
    org_a, org_b, org_admin, session_of, trainee, other_trainee
):
    session = session_of(org_a)
    outsider = member(org_b, Role.TRAINEE, email="outsider@example.org")
    with pytest.raises(ValidationError) as refused:
        services.mark_register(session=session, trainees=[trainee, outsider], actor=org_admin)
    assert refused.value.message_dict == {
        "trainees": [f"Not trainees of this organisation: {outsider}."]
    }
    assert not Attendance.objects.exists()

    services.mark_register(session=session, trainees=[trainee], actor=org_admin)
    marked = services.mark_register(
        session=session, trainees=[trainee, other_trainee], actor=org_admin
    )
    assert [a.trainee for a in marked] == [trainee, other_trainee]
    assert Attendance.objects.filter(session=session).count() == 2
    assert AuditEntry.objects.filter(action="attend").count() == 2


# --- Check-in: the trainee themself, during the session ------------------------------------------


def test_a_trainee_checks_in_and_the_session_is_logged(org_a, session_of, trainee):
    session = session_of(org_a, code="042917")
    attendance = services.check_in(trainee=trainee, actor=trainee, code="042 917")
    assert (attendance.session, attendance.method, attendance.recorded_by) == (
        session,
        "check_in",
        trainee,
    )
    assert attendance.entry.kind == "teaching_attended"
    assert services.check_in(trainee=trainee, actor=trainee, code="042917") == attendance


@pytest.mark.parametrize("who", ["org_admin", "other_trainee"])
def test_nobody_checks_in_someone_else(request, org_a, session_of, trainee, who):
    session_of(org_a, code="042917")
    with pytest.raises(PermissionDenied):
        services.check_in(trainee=trainee, actor=request.getfixturevalue(who), code="042917")
    assert not Attendance.objects.exists()


def test_only_trainees_of_the_organisation_check_in(org_a, session_of, org_admin, supervisor):
    session_of(org_a, code="042917")
    for person in (org_admin, supervisor):
        with pytest.raises(ValidationError, match="No session of your organisations"):
            services.check_in(trainee=person, actor=person, code="042917")
    assert not Attendance.objects.exists()


def test_check_in_is_closed_outside_the_session(org_a, session_of, trainee):
    session_of(org_a, code="042917", starts_at=timezone.now() - timedelta(hours=2))
    with pytest.raises(ValidationError) as refused:
        services.check_in(trainee=trainee, actor=trainee, code="042917")
    assert refused.value.message_dict == {"code": ["Check-in is open only during the session."]}


def wrong_codes(trainee, count):
    for guess in range(count):
        with pytest.raises(ValidationError):
            services.check_in(trainee=trainee, actor=trainee, code=f"{guess:06d}")


def test_the_attempt_limit_refuses_even_the_right_code(org_a, session_of, trainee, other_trainee):
    session_of(org_a, code="042917")
    wrong_codes(trainee, services.CHECK_IN_ATTEMPTS)
    with pytest.raises(ValidationError) as refused:
        services.check_in(trainee=trainee, actor=trainee, code="042917")
    assert refused.value.message_dict == {
        "code": ["Too many wrong codes. Wait 15 minutes, then try again."]
    }
    assert not Attendance.objects.filter(trainee=trainee).exists()
    # The limit is each trainee's own.
    services.check_in(trainee=other_trainee, actor=other_trainee, code="042917")


def test_codes_that_are_not_six_digits_do_not_count_as_guesses(org_a, session_of, trainee):
    session_of(org_a, code="042917")
    for _ in range(services.CHECK_IN_ATTEMPTS):
        with pytest.raises(ValidationError, match="Enter the 6 digits"):
            services.check_in(trainee=trainee, actor=trainee, code="04291")
    assert services.check_in(trainee=trainee, actor=trainee, code="042917")


def test_checking_in_clears_the_count_of_wrong_codes(org_a, session_of, trainee):
    session_of(org_a, code="042917")
    wrong_codes(trainee, services.CHECK_IN_ATTEMPTS - 1)
    services.check_in(trainee=trainee, actor=trainee, code="042917")
    wrong_codes(trainee, services.CHECK_IN_ATTEMPTS - 1)
    # Nine more wrong codes are allowed again, so the tenth try is still a real one.
    with pytest.raises(ValidationError, match="No session of your organisations"):
        services.check_in(trainee=trainee, actor=trainee, code="999999")


def test_the_register_opens_when_the_session_starts(org_a, org_admin, session_of, trainee):
    # Attending logs an entry, which records learning that has happened.
    tomorrow = session_of(org_a, starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.mark_register(session=tomorrow, trainees=[trainee], actor=org_admin)
    assert refused.value.message_dict == {
        "trainees": ["The register opens when the session starts."]
    }
    assert not Attendance.objects.exists()
