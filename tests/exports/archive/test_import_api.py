"""Importing a portable archive through the API, as the import page does, through the same
importer: what arrived on success; every problem by the file and JSON path on refusal, with
nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from badges.models import ExternalBadge
from integrations import services as integration_services
from integrations.scopes import OB_CREDENTIAL_UPSERT
from portfolio.models import LearningEntry
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error, token_client
from tests.exports.archive.conftest import exported_from_another_instance, read_zip
from tests.exports.archive.test_import_refusals import edited, zipped
from tests.factories import UserFactory
from tests.integrations.conftest import REDIRECT_URI, bearer, obtain_token

pytestmark = pytest.mark.django_db

# The API's own fixture: personal access tokens.
make_token = api_fixtures.make_token

IMPORTS = "/api/v1/imports/"


@pytest.fixture
def archive(settings):
    content = exported_from_another_instance("https://a.waymark.example", settings)
    settings.SITE_URL = "https://b.waymark.example"
    return content


@pytest.fixture
def arrived(make_token):
    """The trainee, here, with a personal access token. Listed after `archive` by tests
    that use both: the archive is made (and rolled back) first."""
    user = UserFactory(email="trainee@example.org")
    _, secret = make_token(user)
    user.api = token_client(secret)
    return user


def upload(content: bytes, name="portfolio.zip"):
    return SimpleUploadedFile(name, content, content_type="application/zip")


def test_a_trainee_imports_their_archive_and_reads_what_arrived(archive, arrived, stored):
    response = arrived.api.post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    assert response.status_code == 201, response.content
    report = response.json()
    assert report["exported_from"] == "https://a.waymark.example"
    assert (report["entries_added"], report["entries_present"]) == (4, 0)
    assert report["attested_sign_offs"] == 2
    assert (report["badges_added"], report["badges_present"]) == (1, 0)
    assert report["evidence_files"] >= 1
    assert any("programme enrolment(s)" in note for note in report["notes"])
    assert LearningEntry.objects.filter(trainee=arrived).count() == 4
    assert ExternalBadge.objects.filter(trainee=arrived).count() == 1
    assert stored()


def test_the_same_archive_again_changes_nothing(archive, arrived):
    arrived.api.post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    response = arrived.api.post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    assert response.status_code == 200, response.content
    assert (response.json()["entries_added"], response.json()["entries_present"]) == (0, 4)
    assert LearningEntry.objects.filter(trainee=arrived).count() == 4


def test_a_refused_archive_names_each_problem_by_file_and_json_path_and_writes_nothing(
    archive, arrived, stored
):
    files = read_zip(archive)
    files.pop("manifest.json")  # zipped() writes the manifest of what it zips

    def change(document):
        document["entries"][1]["title"] = ""
        document["entries"][2]["kind"] = "party"

    before = stored()
    response = arrived.api.post(
        IMPORTS, {"archive": upload(zipped(edited(files, change)))}, format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    assert [p.split(":")[0] for p in error["fields"]["archive"]] == [
        "portfolio.json at $.entries[1].title",
        "portfolio.json at $.entries[2].kind",
    ]
    assert not LearningEntry.objects.filter(trainee=arrived).exists()
    assert stored() == before


def test_something_that_is_not_a_zip_is_refused_by_the_field(arrived):
    response = arrived.api.post(IMPORTS, {"archive": upload(b"not a zip")}, format="multipart")

    [problem] = assert_error(response, 400, "invalid")["fields"]["archive"]
    assert problem.startswith("This is not a ZIP archive")


def test_an_archive_larger_than_the_page_imports_is_refused_alike(archive, arrived, settings):
    settings.ARCHIVE_MAX_BYTES = 100

    response = arrived.api.post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    [problem] = assert_error(response, 400, "invalid")["fields"]["archive"]
    assert "the most this site imports is" in problem
    assert not LearningEntry.objects.exists()


def test_no_file_is_refused_by_the_field(arrived):
    response = arrived.api.post(IMPORTS, {}, format="multipart")

    assert assert_error(response, 400, "invalid")["fields"] == {
        "archive": ["No file was submitted."]
    }


def test_json_is_not_an_upload(arrived):
    response = arrived.api.post(IMPORTS, {"archive": "UEsDBA=="}, format="json")

    assert_error(response, 415, "unsupported_media_type")


def test_importing_needs_someone_signed_in(archive):
    response = APIClient().post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    assert_error(response, 401)
    assert not LearningEntry.objects.exists()


@pytest.mark.parametrize(
    ("scope", "allowed"),
    [
        ("entries:write", False),
        (OB_CREDENTIAL_UPSERT, False),
        (f"entries:write {OB_CREDENTIAL_UPSERT}", True),
    ],
)
def test_an_app_imports_with_leave_to_add_entries_and_badges_issued_elsewhere(
    archive, arrived, scope, allowed
):
    registered = integration_services.register_application(
        owner=arrived,
        name="Portfolio mover",
        redirect_uris=REDIRECT_URI,
        public=False,
        grant=integration_services.AUTHORIZATION_CODE,
        actor=arrived,
    )
    app = bearer(obtain_token(*registered, arrived, scope)["access_token"])

    response = app.post(IMPORTS, {"archive": upload(archive)}, format="multipart")

    if allowed:
        assert response.status_code == 201, response.content
    else:
        assert_error(response, 403, "insufficient_scope")
        assert not LearningEntry.objects.exists()


def test_asking_what_the_operation_takes_is_answered(arrived):
    response = arrived.api.options(IMPORTS)

    assert response.status_code == 200, response.content
    assert "archive" in response.json()["actions"]["POST"]
