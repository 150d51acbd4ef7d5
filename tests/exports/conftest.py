"""A trainee's portfolio with something of everything an archive carries, and ways to write
its archive and read one back."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from audit.services import sign_checkpoint
from badges import demo
from badges.models import BadgeClass, ExternalBadge
from badges.services import awarding
from exports.archive import write_archive
from portfolio import services
from portfolio.models import Evidence
from tests.portfolio.evidence.files import pdf_bytes, upload


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path, monkeypatch):
    """Files go to a fresh directory for each test, so "nothing stored" is a listing."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    # The models' file fields took their storage when the classes were made.
    for model, name in ((Evidence, "file"), (Evidence, "thumbnail"), (ExternalBadge, "image")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storages["private"])
    return location


@pytest.fixture
def stored(private_dir):
    def stored():
        return sorted(
            p.relative_to(private_dir).as_posix() for p in private_dir.rglob("*") if p.is_file()
        )

    return stored


@pytest.fixture
def portfolio(enrolled_trainee, supervisor, org_a, fpcs, log):
    """Entries signed off (one with a file and a link), returned, withdrawn and in draft,
    mapped and tagged, with reflections; a badge; a signed audit checkpoint."""
    trainee = enrolled_trainee
    trainee.full_name, trainee.registration_number = "Dr Asha Patel", "7123456"
    trainee.save()
    supervisor.full_name, supervisor.registration_number = "Dr Ben Okafor", "7654321"
    supervisor.save()
    codes = sorted(fpcs)
    signed = log(
        title="Sepsis teaching",
        items=[fpcs[codes[0]], fpcs[codes[1]]],
        tags=["sepsis", "teaching"],
        duration_minutes=90,
        reflection_what_happened="Case of urosepsis.",
        reflection_learned="Lactate early.",
        reflection_shared=True,
    )
    services.add_file_evidence(
        entry=signed, actor=trainee, uploaded_file=upload("notes.pdf", pdf_bytes()), title="Notes"
    )
    services.add_link_evidence(
        entry=signed, actor=trainee, url="https://example.org/sepsis", title="Guideline"
    )
    services.submit_for_sign_off(entry=signed, supervisor=supervisor, actor=trainee)
    services.approve(entry=signed, actor=supervisor, comment="Well reflected.")

    returned = log(title="Chest drain", kind="procedure", items=[fpcs[codes[2]]])
    services.submit_for_sign_off(entry=returned, supervisor=supervisor, actor=trainee)
    services.return_entry(entry=returned, actor=supervisor, comment="Add the indication.")

    withdrawn = log(title="Ward round", kind="clinic", date="2026-10-01")
    services.submit_for_sign_off(entry=withdrawn, supervisor=supervisor, actor=trainee)
    services.approve(entry=withdrawn, actor=supervisor)
    services.withdraw_sign_off(entry=withdrawn, actor=supervisor, reason="Signed too soon.")

    log(title="Reading: NICE sepsis guideline", kind="reading", tags=["sepsis"])

    demo.create_badge_classes(org_a)
    awarding.award_badge(badge_class=BadgeClass.objects.order_by("slug").first(), recipient=trainee)
    sign_checkpoint()
    return trainee


def archive_of(trainee) -> bytes:
    out = io.BytesIO()
    write_archive(trainee=trainee, out=out, progress=lambda percent, doing: None)
    return out.getvalue()


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def portfolio_json(content: bytes) -> dict:
    return json.loads(read_zip(content)["portfolio.json"])
