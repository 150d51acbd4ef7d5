import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Supervision, User
from tests.factories import SupervisionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user(email="Dr.Someone@Example.ORG", password="x" * 12)
    assert user.email == "dr.someone@example.org"
    assert user.USERNAME_FIELD == "email"
    assert not hasattr(user, "username")


def test_email_is_unique_whatever_its_case():
    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="SAME@example.org")


@pytest.mark.parametrize("number", ["123456", "12345678", "12a4567", "GMC1234"])
def test_gmc_number_must_be_seven_digits(number):
    user = UserFactory.build(registration_number=number)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "registration_number" in error.value.message_dict


def test_a_seven_digit_gmc_number_is_accepted():
    user = UserFactory.build(registration_number="7123456")
    user.full_clean(exclude=["password"])


def test_nobody_supervises_themselves_even_bypassing_the_service():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        SupervisionFactory(supervisor=user, trainee=user)


def test_supervision_is_active_between_its_dates():
    import datetime

    s = SupervisionFactory(
        start_date=datetime.date(2026, 8, 1), end_date=datetime.date(2027, 7, 31)
    )
    assert not s.is_active(datetime.date(2026, 7, 31))
    assert s.is_active(datetime.date(2026, 8, 1))
    assert s.is_active(datetime.date(2027, 7, 31))
    assert not s.is_active(datetime.date(2027, 8, 1))
    assert list(Supervision.objects.active(datetime.date(2027, 7, 31))) == [s]
    assert list(Supervision.objects.active(datetime.date(2027, 8, 1))) == []


@pytest.mark.parametrize(
    ("full_name", "short"),
    [
        ("Dr Asha Patel", "Asha"),
        ("Prof. Ben Okafor", "Ben"),
        ("Chloe Nguyen", "Chloe"),
        ("Dr", "Dr"),
    ],
)
def test_short_name_skips_titles(full_name, short):
    assert UserFactory.build(full_name=full_name).get_short_name() == short
