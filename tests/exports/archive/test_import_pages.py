"""The import page, the command, and how imported work shows: sign-offs attested elsewhere
on the entry page, badges issued elsewhere on the badges page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portfolio.models import LearningEntry
from tests.exports.archive.conftest import exported_from_another_instance
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(settings):
    content = exported_from_another_instance("https://a.waymark.example", settings)
    settings.SITE_URL = "https://b.waymark.example"
    return content


@pytest.fixture
def arrived(client):
    """The trainee, signed in here. Listed after `archive` by tests that use both: the
    archive is made (and rolled back) first."""
    user = UserFactory(email="trainee@example.org")
    client.force_login(user)
    return user


def upload(content: bytes, name="portfolio.zip"):
    return SimpleUploadedFile(name, content, content_type="application/zip")


def test_the_import_page_asks_to_sign_in(client):
    response = client.get(reverse("exports:import"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_trainee_imports_their_archive_and_reads_what_arrived(client, archive, arrived):
    response = client.post(reverse("exports:import"), {"archive": upload(archive)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported from https://a.waymark.example" in page
    assert "4 entries added" in page
    # The standing one and the one withdrawn there.
    assert "2 sign-offs attested elsewhere" in page
    assert "1 badge issued elsewhere" in page
    assert "1 programme enrolment(s) at https://a.waymark.example were not imported" in page
    assert LearningEntry.objects.filter(trainee=arrived).count() == 4


def test_a_second_upload_of_the_same_archive_says_nothing_changed(client, archive, arrived):
    client.post(reverse("exports:import"), {"archive": upload(archive)})

    response = client.post(reverse("exports:import"), {"archive": upload(archive)})

    assert "Everything in this archive was already here" in response.content.decode()
    assert LearningEntry.objects.filter(trainee=arrived).count() == 4


def test_a_refused_archive_lists_its_problems_by_the_field_and_changes_nothing(client, arrived):
    response = client.post(reverse("exports:import"), {"archive": upload(b"not a zip")})

    assert response.status_code == 400
    assert response.context["form"].errors["archive"] == [
        "This archive was not imported; nothing was changed."
    ]
    assert response.context["problems"][0].startswith("This is not a ZIP archive")
    assert not LearningEntry.objects.exists()


def test_the_form_asks_for_a_file(client, arrived):
    response = client.post(reverse("exports:import"), {})

    assert response.status_code == 400
    assert response.context["form"].errors["archive"] == ["This field is required."]


def test_an_imported_entry_shows_its_sign_off_attested_elsewhere(
    client, archive, arrived, django_assert_num_queries
):
    client.post(reverse("exports:import"), {"archive": upload(archive)})
    entry = LearningEntry.objects.get(trainee=arrived, title="Sepsis teaching")

    with django_assert_num_queries(12):
        response = client.get(entry.get_absolute_url())

    page = response.content.decode()
    assert "Attested elsewhere" in page
    assert "Signed off at https://a.waymark.example by Dr Ben Okafor (GMC 7654321)" in page
    assert f"Content hash there: <code>{entry.attested_sign_offs.get().content_hash}</code>" in page
    assert "signed off at another Waymark site" in page
    assert "Withdraw sign-off" not in page
    assert "Edit entry" not in page


def test_badges_issued_elsewhere_show_apart_from_badges_earned_here(client, archive, arrived):
    client.post(reverse("exports:import"), {"archive": upload(archive)})

    page = client.get(reverse("badges:my_badges")).content.decode()

    earned, elsewhere = page.split("Issued elsewhere</h2>")
    assert "No badges yet" in earned
    assert "imported from https://a.waymark.example" in elsewhere


def test_the_command_imports_into_an_existing_account(archive, tmp_path):
    user = UserFactory(email="trainee@example.org")
    path = tmp_path / "portfolio.zip"
    path.write_bytes(archive)
    out = io.StringIO()

    call_command("import_portfolio", str(path), "--email", "Trainee@Example.org", stdout=out)

    assert "4 entries added" in out.getvalue()
    assert LearningEntry.objects.filter(trainee=user).count() == 4


def test_the_command_never_creates_an_account(archive, tmp_path):
    path = tmp_path / "portfolio.zip"
    path.write_bytes(archive)

    with pytest.raises(CommandError, match="There is no account with the email nobody@"):
        call_command("import_portfolio", str(path), "--email", "nobody@example.org")


def test_the_command_lists_every_problem_of_a_refused_archive(tmp_path):
    UserFactory(email="trainee@example.org")
    path = tmp_path / "portfolio.zip"
    path.write_bytes(b"not a zip")

    with pytest.raises(CommandError, match="nothing was changed.\n- This is not a ZIP archive"):
        call_command("import_portfolio", str(path), "--email", "trainee@example.org")


def test_the_entries_page_leads_to_the_import_page(client):
    client.force_login(UserFactory())

    page = client.get(reverse("portfolio:entry_list")).content.decode()

    assert f'href="{reverse("exports:import")}">Import a portfolio</a>' in page
