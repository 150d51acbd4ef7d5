"""The webhooks pages: a person's own and their organisations' webhooks, the secret shown
once, the delivery log, and the actions on it. Anyone else's webhook is a 404."""

import pytest
from django.urls import reverse

from integrations.webhooks import services as webhooks
from integrations.webhooks.models import Delivery, Subscription
from integrations.webhooks.sending import Outcome

pytestmark = pytest.mark.django_db

WEBHOOKS = "/account/webhooks/"
RECEIVER = "https://hooks.example.org/waymark"


@pytest.fixture
def hook(trainee):
    subscription, _ = webhooks.create_subscription(
        actor=trainee, url=RECEIVER, events=["entry.created"]
    )
    return subscription


def detail(subscription) -> str:
    return reverse("integrations:webhook_detail", args=[subscription.pk])


def test_the_account_page_links_to_webhooks(client, trainee):
    client.force_login(trainee)
    assert f'href="{WEBHOOKS}"' in client.get(reverse("accounts:account")).content.decode()


def test_adding_a_webhook_shows_its_secret_once(client, trainee):
    client.force_login(trainee)

    response = client.post(WEBHOOKS, {"url": RECEIVER, "events": ["entry.signed_off"]})

    subscription = Subscription.objects.get(owner=trainee)
    page = response.content.decode()
    secret = page.split('id="webhook-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("whsec_")
    assert response["Cache-Control"].startswith("max-age=0")
    assert secret not in client.get(WEBHOOKS).content.decode()
    assert secret not in client.get(detail(subscription)).content.decode()


def test_a_bad_webhook_is_refused_on_the_form_by_field(client, trainee):
    client.force_login(trainee)
    response = client.post(WEBHOOKS, {"url": "not a url", "events": []})
    form = response.context["form"]
    assert set(form.errors) == {"url", "events"}
    assert not Subscription.objects.exists()


def test_an_admin_adds_their_organisations_webhook_for_what_admins_see(client, org_admin, org_a):
    client.force_login(org_admin)
    refused = client.post(
        WEBHOOKS, {"url": RECEIVER, "events": ["entry.created"], "organisation": org_a.pk}
    )
    assert "events" in refused.context["form"].errors
    client.post(WEBHOOKS, {"url": RECEIVER, "events": ["award.issued"], "organisation": org_a.pk})
    assert Subscription.objects.get().organisation == org_a


def test_the_list_shows_mine_and_my_organisations_not_others(
    client, hook, org_admin, org_a, other_trainee
):
    ours, _ = webhooks.create_subscription(
        actor=org_admin, url="https://org.example.org/hooks", events=["award.issued"],
        organisation=org_a,
    )  # fmt: skip
    client.force_login(org_admin)
    page = client.get(WEBHOOKS).content.decode()
    assert "https://org.example.org/hooks" in page and RECEIVER not in page
    client.force_login(other_trainee)
    assert "https://org.example.org/hooks" not in client.get(WEBHOOKS).content.decode()


@pytest.mark.parametrize("action", ["", "rotate-secret/", "enable/", "delete/"])
def test_another_persons_webhook_is_not_found(client, hook, other_trainee, org_admin, action):
    for user in (other_trainee, org_admin):
        client.force_login(user)
        url = f"{WEBHOOKS}{hook.pk}/{action}"
        response = client.post(url) if action else client.get(url)
        assert response.status_code == 404
    assert Subscription.objects.filter(pk=hook.pk).exists()


def fail(*args, **kwargs):
    return Outcome(500, 30, "Answered 500.")


def test_the_delivery_log_shows_each_attempt(client, hook, trainee, log, enrolled_trainee):
    log()
    delivery = Delivery.objects.get()
    webhooks.deliver(delivery_id=delivery.pk, post=fail)
    client.force_login(trainee)

    page = client.get(detail(hook)).content.decode()

    assert delivery.message_id in page and "entry.created" in page
    assert "500 in 30 ms — Answered 500." in page


def test_the_log_page_costs_the_same_however_many_messages(
    client, hook, trainee, log, enrolled_trainee, django_assert_num_queries
):
    client.force_login(trainee)
    log()
    webhooks.deliver(delivery_id=Delivery.objects.get().pk, post=fail)
    client.get(detail(hook))  # the session and the like, once
    # A fixed number: the messages and their attempts are read in one query each.
    with django_assert_num_queries(6):
        client.get(detail(hook))
    for _ in range(3):
        log()
    for delivery in Delivery.objects.filter(attempts=0):
        webhooks.deliver(delivery_id=delivery.pk, post=fail)
    with django_assert_num_queries(6):
        client.get(detail(hook))


def test_rotating_on_the_page_shows_the_new_secret(client, hook, trainee):
    client.force_login(trainee)
    response = client.post(f"{WEBHOOKS}{hook.pk}/rotate-secret/")
    assert 'id="webhook-secret"' in response.content.decode()
    hook.refresh_from_db()
    assert hook.previous_secret_encrypted


def test_enabling_a_disabled_webhook_and_redelivering(client, hook, trainee, log, enrolled_trainee):
    log()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED)
    Subscription.objects.filter(pk=hook.pk).update(
        disabled_at="2026-11-30T09:00:00Z", disabled_reason="Every attempt failed."
    )
    client.force_login(trainee)
    page = client.get(detail(hook)).content.decode()
    assert "Every attempt failed." in page and "Send again" not in page

    client.post(f"{WEBHOOKS}{hook.pk}/enable/")
    response = client.post(f"{WEBHOOKS}{hook.pk}/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 302
    hook.refresh_from_db()
    delivery.refresh_from_db()
    assert hook.is_enabled and delivery.status == Delivery.Status.PENDING


def test_deleting_on_the_page(client, hook, trainee):
    client.force_login(trainee)
    assert client.post(f"{WEBHOOKS}{hook.pk}/delete/").status_code == 302
    assert not Subscription.objects.exists()
