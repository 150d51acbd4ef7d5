"""The preferences page: one choice per kind (email, in Waymark, or both), the digest switch
for supervisors, reachable from the account page."""

import re

import pytest
from django.urls import reverse

from notifications import selectors
from notifications.models import Delivery, Kind

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:preferences")


def checked(html) -> dict[str, str]:
    """The radio button ticked in each group."""
    return dict(re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]* checked', html))


def everything(delivery=Delivery.BOTH, **overrides):
    return {**{kind: delivery for kind in Kind.values}, **overrides}


def test_the_account_pages_link_to_it(client, trainee):
    client.force_login(trainee)

    assert f'href="{PREFERENCES}"' in client.get(reverse("accounts:account")).content.decode()


def test_each_kind_is_a_group_of_three_choices(client, trainee):
    client.force_login(trainee)

    html = client.get(PREFERENCES).content.decode()

    assert html.count("<fieldset") == len(Kind.values)
    assert html.count('type="radio"') == 3 * len(Kind.values)
    assert "<legend>Your entry is signed off</legend>" in html
    # Nothing chosen yet: both ways, for every kind.
    assert checked(html) == {kind: "both" for kind in Kind.values}


def test_a_trainee_is_not_offered_the_digest(client, trainee):
    client.force_login(trainee)

    assert "daily_digest" not in client.get(PREFERENCES).content.decode()


def test_choices_are_saved(client, supervisor):
    client.force_login(supervisor)

    response = client.post(
        PREFERENCES,
        everything(sign_off_requested=Delivery.EMAIL, export_ready=Delivery.IN_APP)
        | {"daily_digest": "on"},
    )

    assert response.status_code == 302 and response.url == PREFERENCES
    chosen = selectors.preferences_of(supervisor)
    assert chosen.deliveries[Kind.SIGN_OFF_REQUESTED] == Delivery.EMAIL
    assert chosen.deliveries[Kind.EXPORT_READY] == Delivery.IN_APP
    assert chosen.daily_digest
    html = client.get(PREFERENCES).content.decode()
    assert checked(html)["sign_off_requested"] == "email"
    assert re.search(r'<input type="checkbox" name="daily_digest"[^>]* checked', html)


def test_the_digest_is_turned_off_by_unticking_it(client, supervisor):
    client.force_login(supervisor)
    client.post(PREFERENCES, everything() | {"daily_digest": "on"})

    client.post(PREFERENCES, everything())

    assert not selectors.has_daily_digest(supervisor)


def test_a_choice_that_is_not_offered_gets_a_field_message(client, trainee):
    client.force_login(trainee)

    response = client.post(PREFERENCES, everything(export_ready="pigeon"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert 'id="id_export_ready_error"' in html
    assert selectors.deliveries_of(trainee)[Kind.EXPORT_READY] == Delivery.BOTH
