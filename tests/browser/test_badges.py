"""The trainee's badges page on a phone, in a real Chromium: with the public profile on, its
long address must wrap rather than push the page sideways."""

import pytest
from django.core.management import call_command

from accounts.models import User
from badges.services import public_profile
from tests.browser.conftest import PHONE, TRAINEE_EMAIL, horizontal_overflow, open_path, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo")


def assert_fits_phone(page):
    scroll_width, viewport_width = horizontal_overflow(page)
    assert scroll_width <= PHONE["width"], (
        f"{page.url} scrolls sideways on a {viewport_width}px phone: "
        f"the document is {scroll_width}px wide"
    )


def test_my_badges_with_the_public_profile_on_fits_a_phone(demo_data, new_page):
    trainee = User.objects.get(email=TRAINEE_EMAIL)
    public_profile.set_public_profile(trainee=trainee, actor=trainee, enabled=True)
    page = new_page(viewport=PHONE)
    sign_in(page)

    open_path(page, "/badges/")

    assert page.get_by_text("public profile").first.is_visible()
    assert_fits_phone(page)
