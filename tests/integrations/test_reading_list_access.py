"""An app imports a reading list for its person only with entries:write, and into that
person's portfolio only."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolio.models import LearningEntry
from tests.api.conftest import assert_error
from tests.integrations.conftest import bearer, obtain_token

pytestmark = pytest.mark.django_db

RIS = Path(__file__).parents[1] / "portfolio" / "reading_lists" / "files" / "endnote.ris"


@pytest.fixture
def app(register):
    return register()


def preview(client):
    upload = SimpleUploadedFile("endnote.ris", RIS.read_bytes())
    return client.post("/api/v1/reading-lists/preview/", {"file": upload}, format="multipart")


def test_reading_scope_alone_cannot_preview_or_import(app, trainee):
    client = bearer(obtain_token(*app, trainee, "entries:read")["access_token"])

    error = assert_error(preview(client), 403, "insufficient_scope")

    assert "entries:write" in error["message"]


def test_an_app_with_entries_write_imports_into_its_persons_portfolio(app, trainee):
    client = bearer(obtain_token(*app, trainee, "entries:write")["access_token"])
    token = preview(client).json()["preview_token"]

    response = client.post("/api/v1/reading-lists/import/", {"preview_token": token}, format="json")

    assert response.status_code == 201, response.content
    assert LearningEntry.objects.filter(trainee=trainee).count() == 3
