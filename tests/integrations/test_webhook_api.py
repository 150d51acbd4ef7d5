"""The webhooks API: subscribe (the secret in the answer, once), list, read, delete,
rotate, the delivery log and redelivery. Everyone sees their own and their organisations'
webhooks alone; anyone else's is a 404."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from integrations.webhooks import services as webhooks
from integrations.webhooks.models import Delivery, Subscription
from tests.api.conftest import assert_error
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/v1/webhooks/"
RECEIVER = "https://hooks.example.org/waymark"


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def hook(trainee):
    subscription, _ = webhooks.create_subscription(
        actor=trainee, url=RECEIVER, events=["entry.created"]
    )
    return subscription


def test_subscribing_answers_with_the_secret_once(trainee):
    client = signed_in(trainee)

    made = client.post(
        WEBHOOKS, {"url": RECEIVER, "events": ["entry.signed_off", "award.issued"]}, format="json"
    )

    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["entry.signed_off", "award.issued"]
    assert body["organisation"] is None and body["enabled"] is True
    read = client.get(f"{WEBHOOKS}{body['id']}/").json()
    listed = client.get(WEBHOOKS).json()
    assert "secret" not in read and all("secret" not in row for row in listed["results"])
    assert body["secret"] not in str(read) + str(listed)
    assert AuditEntry.objects.filter(action="webhook.subscribe").count() == 1


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"url": RECEIVER, "events": []}, "events"),
        ({"url": RECEIVER, "events": ["entry.deleted"]}, "events"),
        ({"url": "ftp://hooks.example.org/", "events": ["entry.created"]}, "url"),
        ({"events": ["entry.created"]}, "url"),
    ],
)
def test_a_bad_subscription_is_refused_by_field(trainee, given, field):
    error = assert_error(signed_in(trainee).post(WEBHOOKS, given, format="json"), 400)
    assert field in error["fields"]


def test_an_organisation_admin_subscribes_for_their_organisation(org_admin, org_a):
    made = signed_in(org_admin).post(
        WEBHOOKS,
        {"url": RECEIVER, "events": ["entry.signed_off"], "organisation": org_a.slug},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert Subscription.objects.get().organisation == org_a


def test_an_organisations_webhook_cannot_hear_of_trainees_own_events(org_admin, org_a):
    error = assert_error(
        signed_in(org_admin).post(
            WEBHOOKS,
            {"url": RECEIVER, "events": ["entry.created"], "organisation": org_a.slug},
            format="json",
        ),
        400,
    )
    assert "entry.created" in error["fields"]["events"][0]


def test_only_admins_subscribe_for_an_organisation(trainee, org_a, org_b_admin):
    for user in (trainee, org_b_admin):
        error = assert_error(
            signed_in(user).post(
                WEBHOOKS,
                {"url": RECEIVER, "events": ["award.issued"], "organisation": org_a.slug},
                format="json",
            ),
            400,
        )
        assert "organisation" in error["fields"]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("method", ["get", "delete"])
def test_another_persons_webhook_is_not_found(hook, other_trainee, org_admin, method):
    for user in (other_trainee, org_admin):
        assert_error(getattr(signed_in(user), method)(f"{WEBHOOKS}{hook.pk}/"), 404)
        assert_error(signed_in(user).get(f"{WEBHOOKS}{hook.pk}/deliveries/"), 404)
        assert_error(signed_in(user).post(f"{WEBHOOKS}{hook.pk}/rotate-secret/"), 404)
    assert signed_in(other_trainee).get(WEBHOOKS).json()["results"] == []
    assert Subscription.objects.filter(pk=hook.pk).exists()


def test_an_organisations_webhook_is_its_admins_alone(org_admin, org_b_admin, supervisor, org_a):
    subscription, _ = webhooks.create_subscription(
        actor=org_admin, url=RECEIVER, events=["award.issued"], organisation=org_a
    )
    assert signed_in(org_admin).get(f"{WEBHOOKS}{subscription.pk}/").status_code == 200
    for user in (org_b_admin, supervisor):
        assert_error(signed_in(user).get(f"{WEBHOOKS}{subscription.pk}/"), 404)


def test_deleting_a_webhook(hook, trainee):
    assert signed_in(trainee).delete(f"{WEBHOOKS}{hook.pk}/").status_code == 204
    assert not Subscription.objects.exists()


def test_rotating_answers_with_a_new_secret(hook, trainee):
    old = hook.secret_encrypted
    rotated = signed_in(trainee).post(f"{WEBHOOKS}{hook.pk}/rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["secret"].startswith("whsec_")
    hook.refresh_from_db()
    assert hook.previous_secret_encrypted == old and hook.secret_encrypted != old


def test_the_delivery_log_and_a_redelivery(hook, trainee, log, enrolled_trainee):
    entry = log()
    delivery = Delivery.objects.get()
    webhooks.deliver(delivery_id=delivery.pk, post=lambda url, **kw: failed_outcome())
    client = signed_in(trainee)

    [row] = client.get(f"{WEBHOOKS}{hook.pk}/deliveries/").json()["results"]

    assert row["webhook_id"] == delivery.message_id and row["event"] == "entry.created"
    assert row["payload"]["data"]["entry"]["id"] == entry.pk
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["attempt_log"] == [
        {
            "number": 1,
            "attempted_at": row["attempt_log"][0]["attempted_at"],
            "status_code": 502,
            "response_ms": 12,
            "error": "Answered 502.",
        }
    ]
    # Still being retried: a redelivery now would only race the retry.
    assert_error(client.post(f"{WEBHOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/"), 409)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    again = client.post(f"{WEBHOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert again.status_code == 202 and again.json()["status"] == "pending"


def test_a_delivery_of_another_webhook_is_not_found_under_mine(hook, trainee, other_trainee):
    theirs, _ = webhooks.create_subscription(
        actor=other_trainee, url=RECEIVER, events=["entry.created"]
    )
    delivery = Delivery.objects.create(
        subscription=theirs, message_id="msg_x", event="entry.created", payload={}
    )
    assert_error(
        signed_in(trainee).post(f"{WEBHOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/"), 404
    )


def test_an_app_needs_the_webhooks_scope(register, trainee):
    app = register()
    narrow = bearer(obtain_token(*app, trainee, "entries:read")["access_token"])
    error = assert_error(narrow.get(WEBHOOKS), 403, "insufficient_scope")
    assert "webhooks" in error["message"]
    app_client = bearer(obtain_token(*app, trainee, "webhooks")["access_token"])
    made = app_client.post(WEBHOOKS, {"url": RECEIVER, "events": ["entry.created"]}, format="json")
    assert made.status_code == 201 and Subscription.objects.get().owner == trainee


def failed_outcome():
    from integrations.webhooks.sending import Outcome

    return Outcome(502, 12, "Answered 502.")
