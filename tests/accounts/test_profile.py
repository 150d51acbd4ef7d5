"""The account page: a person's name and GMC number, checked by the profile service."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db

GMC_NUMBER = "7123456"
IN_USE = "Another account already uses this GMC number."


def holding_the_gmc_number(user):
    user.registration_number = GMC_NUMBER
    user.save()


def save_profile(client):
    return client.post(
        reverse("accounts:account"), {"full_name": "Dr Me", "registration_number": GMC_NUMBER}
    )


def test_a_person_saves_their_name_and_gmc_number(client, trainee):
    client.force_login(trainee)

    response = client.post(
        reverse("accounts:account"),
        {"full_name": "Dr Asha Patel", "registration_number": " 7123456 "},
        follow=True,
    )

    trainee.refresh_from_db()
    assert (trainee.full_name, trainee.registration_number) == ("Dr Asha Patel", "7123456")
    assert "Your profile is saved." in messages_of(response)


def test_a_gmc_number_another_account_uses_is_refused_next_to_the_field(
    client, trainee, other_trainee
):
    holding_the_gmc_number(other_trainee)
    client.force_login(trainee)

    response = save_profile(client)

    assert response.status_code == 200
    assert_inline_error(response, "registration_number", IN_USE)
    trainee.refresh_from_db()
    assert trainee.registration_number == ""


def test_the_profile_service_refuses_a_gmc_number_in_use_whoever_calls_it(trainee, other_trainee):
    holding_the_gmc_number(other_trainee)

    with pytest.raises(ValidationError) as error:
        services.update_profile(
            user=trainee, full_name="Dr Me", registration_number=GMC_NUMBER, actor=trainee
        )

    assert error.value.message_dict == {"registration_number": [IN_USE]}


def test_keeping_ones_own_gmc_number_is_not_a_clash(client, trainee):
    holding_the_gmc_number(trainee)
    client.force_login(trainee)

    assert save_profile(client).status_code == 302
