"""The trainee's badges page on a phone, in a real Chromium: with the public profile on, its
long address must wrap rather than push the page sideways."""

import pytest

from accounts.models import User
from badges.services import public_profile
from tests.browser.conftest import (
    PHONE,
    TRAINEE_EMAIL,
    assert_fits_phone,
    open_path,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_badges_with_the_public_profile_on_fits_a_phone(demo_data, new_page):
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    public_profile.set_public_profile(trainee=trainee, actor=trainee, enabled=True)
    page = new_page(viewport=PHONE)
    sign_in(page)

    open_path(page, "/badges/")

    assert page.get_by_text("public profile").first.is_visible()
    assert_fits_phone(page)
