"""Checking in to a teaching session with its code, on the page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portfolio.models import LearningEntry
from teaching.models import Attendance
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    # Check-in counts wrong codes in the cache; no test may inherit another's count.
    cache.clear()
    yield
    cache.clear()


def check_in(client, code):
    return client.post(reverse("teaching:check_in"), {"code": code})


def test_the_right_code_during_the_session_checks_the_trainee_in(
    client, org_a, trainee, session_of
):
    session = session_of(org_a, code="042917")
    client.force_login(trainee)
    response = check_in(client, "042 917")
    assert response.status_code == 302
    assert messages_of(response) == [
        "You are checked in to “Sepsis”. It is logged in your entries."
    ]
    attendance = Attendance.objects.get(session=session, trainee=trainee)
    assert attendance.method == "check_in"
    entry = LearningEntry.objects.get(trainee=trainee)
    assert (entry.kind, entry.title) == ("teaching_attended", "Sepsis")
    assert attendance.entry == entry


def test_a_wrong_code_is_refused(client, org_a, trainee, session_of):
    session_of(org_a, code="042917")
    client.force_login(trainee)
    response = check_in(client, "042918")
    assert_inline_error(
        response,
        "code",
        "No session of your organisations running now has that code. Check the code on the screen.",
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef"])
def test_a_code_must_be_six_digits(client, org_a, trainee, code):
    client.force_login(trainee)
    assert_inline_error(
        check_in(client, code), "code", "Enter the 6 digits of the code, for example 042917."
    )


@pytest.mark.parametrize(
    "starts_in",
    [timedelta(minutes=20), -timedelta(minutes=60 + 31)],
    ids=["too-early", "too-late"],
)
def test_check_in_is_closed_outside_the_session(client, org_a, trainee, session_of, starts_in):
    session_of(org_a, code="042917", starts_at=timezone.now() + starts_in, duration_minutes=60)
    client.force_login(trainee)
    response = check_in(client, "042917")
    assert_inline_error(response, "code", "Check-in is open only during the session.")
    assert not Attendance.objects.exists()


def test_another_organisations_session_cannot_be_checked_into(client, org_b, trainee, session_of):
    session_of(org_b, code="042917")
    client.force_login(trainee)
    assert_inline_error(check_in(client, "042917"), "code", "No session of your organisations")
    assert not Attendance.objects.exists()


def test_guessing_codes_is_stopped(client, org_a, trainee, session_of):
    session_of(org_a, code="042917")
    client.force_login(trainee)
    for guess in range(10):
        check_in(client, f"{guess:06d}")
    response = check_in(client, "042917")
    assert_inline_error(response, "code", "Too many wrong codes. Wait 15 minutes, then try again.")
    assert not Attendance.objects.exists()
