"""Evidence tests store files in a fresh folder each, so "nothing stored" is a listing; and
share a way to add a file, read it back, and sign an entry off."""

import pytest
from django.core.files.storage import storages
from django.test import TestCase

from portfolio import services
from portfolio.models import Evidence
from tests.portfolio.evidence.files import upload


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path, monkeypatch):
    """Evidence goes to a fresh directory for each test, so "nothing stored" is a listing."""
    location = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploading"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    # The model's file fields took their storage when the model class was made; point them
    # at this test's storage too.
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storages["private"])
    return location


@pytest.fixture
def stored(private_dir, settings):
    """Every file in the private storage, and any temporary file left behind."""

    def stored():
        files = [p for p in private_dir.rglob("*") if p.is_file()]
        leftovers = list(settings.FILE_UPLOAD_TEMP_DIR.iterdir())
        return sorted(p.relative_to(private_dir).as_posix() for p in files) + leftovers

    return stored


@pytest.fixture
def entry(log):
    return log(title="Skin lesion clinic")


def add(entry, name, content, **kwargs) -> Evidence:
    """Add a file as an upload does, and let the work queued on commit run, as a worker
    would: an image comes back processed (or refused)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        evidence = services.add_file_evidence(
            entry=entry, actor=entry.trainee, uploaded_file=upload(name, content), **kwargs
        )
    evidence.refresh_from_db()
    return evidence


def upload_only(entry, name, content, **kwargs) -> Evidence:
    """Add a file as the web request does, and nothing more: an image stays processing."""
    return services.add_file_evidence(
        entry=entry, actor=entry.trainee, uploaded_file=upload(name, content), **kwargs
    )


def read_stored(evidence: Evidence, field: str = "file") -> bytes:
    with getattr(evidence, field).open("rb") as f:
        return f.read()


def signed_off(entry, trainee, supervisor):
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
    services.approve(entry=entry, actor=supervisor)
    entry.refresh_from_db()
    return entry
