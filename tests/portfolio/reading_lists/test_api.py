"""Reading lists through the API: preview a file, then import chosen references from the
signed preview."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolio.models import Kind, LearningEntry
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
PREVIEW = "/api/v1/reading-lists/preview/"
IMPORT = "/api/v1/reading-lists/import/"


def preview(client, name: str):
    upload = SimpleUploadedFile(name, (FILES / name).read_bytes())
    return client.post(PREVIEW, {"file": upload}, format="multipart")


def test_preview_reads_the_file_and_logs_nothing(api_as, trainee):
    response = preview(api_as(trainee), "malformed.bib")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "bibtex"
    assert [r["record"] for r in body["references"]] == [
        "record 1 (rivers_early_2001)",
        "record 6 (singer_third_2016)",
    ]
    assert body["references"][0] == {
        "index": 0,
        "record": "record 1 (rivers_early_2001)",
        "title": "Early Goal-Directed Therapy in the Treatment of Severe Sepsis and Septic Shock",
        "authors": ["Rivers E"],
        "journal": "New England Journal of Medicine",
        "year": 2001,
        "doi": "10.1056/nejmoa010307",
        "already_logged": False,
    }
    assert "record 2 (smith2020): no title" in body["problems"]
    assert body["preview_token"]
    assert not LearningEntry.objects.exists()


def test_twenty_references_import_as_twenty_entries_and_again_as_none(
    api_as, trainee, frozen_today
):
    client = api_as(trainee)
    token = preview(client, "zotero_20.bib").json()["preview_token"]

    first = client.post(IMPORT, {"preview_token": token}, format="json")

    assert first.status_code == 201, first.content
    assert len(first.json()["logged"]) == 20
    assert LearningEntry.objects.filter(trainee=trainee, kind=Kind.READING).count() == 20
    again = preview(client, "zotero_20.bib").json()
    assert all(r["already_logged"] for r in again["references"])
    second = client.post(IMPORT, {"preview_token": again["preview_token"]}, format="json")
    assert second.json()["logged"] == []
    assert len(second.json()["already_logged"]) == 20
    assert LearningEntry.objects.filter(trainee=trainee).count() == 20


def test_import_logs_only_the_references_chosen_on_the_date_given(api_as, trainee, frozen_today):
    client = api_as(trainee)
    token = preview(client, "endnote.ris").json()["preview_token"]

    response = client.post(
        IMPORT, {"preview_token": token, "references": [2], "read_on": "2026-01-05"}, format="json"
    )

    assert response.status_code == 201
    entry = LearningEntry.objects.get()
    assert (entry.title, entry.date.isoformat()) == (
        "The Checklist Manifesto: How to Get Things Right",
        "2026-01-05",
    )


def test_a_file_that_cannot_be_read_is_refused_by_field(api_as, trainee):
    upload = SimpleUploadedFile("list.json", b'{"items": "none"}')

    response = api_as(trainee).post(PREVIEW, {"file": upload}, format="multipart")

    error = assert_error(response, 400, "invalid")
    assert error["fields"]["file"] == ["A CSL JSON reading list is a list of references."]


def test_a_preview_of_another_trainee_or_an_unknown_reference_is_refused(
    api_as, trainee, other_trainee
):
    theirs = preview(api_as(other_trainee), "endnote.ris").json()["preview_token"]
    mine = preview(api_as(trainee), "endnote.ris").json()["preview_token"]
    client = api_as(trainee)

    stolen = client.post(IMPORT, {"preview_token": theirs}, format="json")
    unknown = client.post(IMPORT, {"preview_token": mine, "references": [0, 3]}, format="json")

    assert assert_error(stolen, 400)["fields"]["preview_token"] == [
        "This preview was made for someone else. Upload your own file."
    ]
    assert assert_error(unknown, 400)["fields"]["references"] == ["No reference numbered 3."]
    assert not LearningEntry.objects.exists()


def test_signed_out_callers_are_refused(api_as):
    assert_error(preview(api_as(None), "endnote.ris"), 401)
