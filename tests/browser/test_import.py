"""The import page in a real Chromium on a phone: a trainee chooses their archive, imports
it, reads what arrived, and the page passes axe's WCAG checks before and after."""

import pytest

from tests.browser.conftest import PHONE, describe_violations, open_path, run_axe, sign_in
from tests.exports.archive.conftest import exported_from_another_instance
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Evidence and badge images, on both sites, go to this test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


def test_a_trainee_imports_their_archive_in_a_browser(settings, new_page, tmp_path):
    archive = tmp_path / "my-portfolio.zip"
    archive.write_bytes(exported_from_another_instance("https://a.waymark.example", settings))
    settings.SITE_URL = "https://b.waymark.example"
    user = UserFactory(email="trainee@example.org")
    user.set_password(settings.DEMO_PASSWORD)
    user.save()
    page = new_page(viewport=PHONE, bypass_csp=True)
    sign_in(page, email=user.email)

    open_path(page, "/portfolio/import/")
    assert run_axe(page) == [], describe_violations(run_axe(page))
    page.get_by_label("Portfolio archive").set_input_files(str(archive))
    page.get_by_role("button", name="Import").click()

    report = page.locator("#import-report")
    report.wait_for()
    assert "Imported from https://a.waymark.example" in report.inner_text()
    assert "4 entries added" in report.inner_text()
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)
