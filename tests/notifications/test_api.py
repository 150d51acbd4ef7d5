"""The API: the caller's own notifications (others' are 404), the unread filter, marking read,
and the preferences, with field-level errors in the API's one error format."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.services import create_personal_access_token
from notifications.models import Delivery, Kind, Notification
from notifications.services import notify
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications/"
PREFERENCES = "/api/v1/notification-preferences/"


def told(recipient, subject="Your PDF portfolio is ready", url="/exports/"):
    return notify(
        recipient=recipient, kind=Kind.EXPORT_READY, subject=subject, body=subject, url=url
    )


@pytest.fixture(autouse=True)
def clean_cache():
    """Throttles count in the cache; no test may inherit another's counts."""
    cache.clear()
    yield
    cache.clear()


def client_of(user) -> APIClient:
    _, secret = create_personal_access_token(
        user=user, actor=user, name="Test token", expires_in=timedelta(days=30)
    )
    return token_client(secret)


@pytest.fixture
def api(trainee):
    return client_of(trainee)


def test_the_list_is_the_callers_own_newest_first(api, trainee, other_trainee):
    older, newer = told(trainee, "Older"), told(trainee, "Newer")
    told(other_trainee, "Theirs")

    body = api.get(NOTIFICATIONS).json()

    assert body["count"] == 2
    assert [n["id"] for n in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert first["kind"] == "export_ready" and first["unread"] is True
    assert first["url"] == "http://127.0.0.1:8000/exports/"
    assert first["read_at"] is None


def test_the_unread_filter(api, trainee):
    read, unread = told(trainee, "Read"), told(trainee, "Unread")
    api.post(f"{NOTIFICATIONS}{read.pk}/read/")

    assert [n["id"] for n in api.get(NOTIFICATIONS + "?unread=true").json()["results"]] == [
        unread.pk
    ]
    assert [n["id"] for n in api.get(NOTIFICATIONS + "?unread=false").json()["results"]] == [
        read.pk
    ]


def test_marking_one_read(api, trainee):
    notice = told(trainee)

    response = api.post(f"{NOTIFICATIONS}{notice.pk}/read/")

    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"]
    notice.refresh_from_db()
    assert not notice.is_unread


def test_someone_elses_notification_is_not_found(api, other_trainee):
    theirs = told(other_trainee)

    assert_error(api.post(f"{NOTIFICATIONS}{theirs.pk}/read/"), 404, "not_found")
    assert_error(api.post(f"{NOTIFICATIONS}not-an-id/read/"), 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_marking_all_read(api, trainee, other_trainee):
    told(trainee)
    told(trainee)
    told(other_trainee)

    response = api.post(f"{NOTIFICATIONS}read-all/")

    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_list_costs_a_fixed_number_of_queries(api, trainee, django_assert_num_queries):
    told(trainee)
    api.get(NOTIFICATIONS)  # the token's first use is written down; later ones are not
    # The token; the count and the page.
    with django_assert_num_queries(3):
        api.get(NOTIFICATIONS)
    for n in range(10):
        told(trainee, f"Notice {n}")
    with django_assert_num_queries(3):
        api.get(NOTIFICATIONS)


def test_reading_the_preferences(api):
    body = api.get(PREFERENCES).json()

    assert body["deliveries"] == {kind: "both" for kind in Kind.values}
    assert body["daily_digest"] is False and body["daily_digest_offered"] is False


def test_changing_some_preferences(api, trainee):
    response = api.put(PREFERENCES, {"deliveries": {"export_ready": "in_app"}}, format="json")

    assert response.status_code == 200
    deliveries = response.json()["deliveries"]
    assert deliveries["export_ready"] == "in_app" and deliveries["badge_awarded"] == "both"
    assert api.get(PREFERENCES).json()["deliveries"]["export_ready"] == Delivery.IN_APP


def test_a_bad_choice_is_a_field_error(api):
    error = assert_error(
        api.put(PREFERENCES, {"deliveries": {"export_ready": "pigeon"}}, format="json"),
        400,
        "invalid",
    )
    assert "export_ready" in error["fields"]["deliveries"]


def test_the_digest_is_refused_to_a_trainee_with_a_field_error(api):
    error = assert_error(api.put(PREFERENCES, {"daily_digest": True}, format="json"), 400)

    assert list(error["fields"]) == ["daily_digest"]


def test_a_supervisor_turns_the_digest_on(supervisor):
    api = client_of(supervisor)

    assert api.get(PREFERENCES).json()["daily_digest_offered"] is True
    body = api.put(PREFERENCES, {"daily_digest": True}, format="json").json()
    assert body["daily_digest"] is True


def test_signing_in_is_needed():
    assert_error(APIClient().get(NOTIFICATIONS), 401)
    assert_error(APIClient().get(PREFERENCES), 401)


def test_the_schema_documents_the_operations():
    schema = APIClient().get("/api/schema/?format=json").json()
    paths = schema["paths"]

    assert set(paths["/api/v1/notifications/"]) == {"get"}
    assert set(paths["/api/v1/notifications/{id}/read/"]) == {"post"}
    assert set(paths["/api/v1/notifications/read-all/"]) == {"post"}
    assert set(paths["/api/v1/notification-preferences/"]) == {"get", "put"}
    listed = paths["/api/v1/notifications/"]["get"]
    assert "unread" in {p["name"] for p in listed["parameters"]}
    assert listed["description"]
    assert schema["components"]["schemas"]["DeliveryEnum"]["enum"] == Delivery.values
    assert set(schema["components"]["schemas"]["NotificationKindEnum"]["enum"]) == set(Kind.values)
