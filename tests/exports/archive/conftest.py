"""A trainee's portfolio with something of everything an archive carries, and ways to write
its archive and read one back."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages
from django.db import transaction

from accounts.models import Role, User
from audit.services import sign_checkpoint
from badges import demo
from badges.models import BadgeClass, ExternalBadge
from badges.services import awarding
from curriculum.models import Framework
from exports.archive import write_archive
from portfolio import services
from portfolio.models import Evidence
from tests.conftest import member
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SupervisionFactory,
)
from tests.portfolio.evidence.files import image_bytes, pdf_bytes, upload


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


def make_portfolio() -> User:
    """From nothing but the curriculum frameworks: an organisation, a trainee enrolled on
    the foundation programme and their supervisor; entries signed off (with a PDF and a
    link), returned (with an image), withdrawn and in draft, mapped and tagged, with
    reflections; a badge; a signed audit checkpoint. Returns the trainee."""
    organisation = OrganisationFactory(name="St Elsewhere NHS Foundation Trust")
    trainee = member(
        organisation, Role.TRAINEE, email="trainee@example.org", full_name="Dr Asha Patel",
        registration_number="7123456",
    )  # fmt: skip
    supervisor = member(
        organisation, Role.SUPERVISOR, email="supervisor@example.org",
        full_name="Dr Ben Okafor", registration_number="7654321",
    )  # fmt: skip
    SupervisionFactory(supervisor=supervisor, trainee=trainee, organisation=organisation)
    foundation = Framework.objects.get(slug="uk-foundation", version="2021")
    programme = ProgrammeFactory(organisation=organisation, frameworks=[foundation])
    EnrolmentFactory(trainee=trainee, programme=programme)
    fpcs = sorted(foundation.items.filter(code__startswith="FPC"), key=lambda i: i.code)

    def log(**fields):
        defaults = {"kind": "teaching_attended", "date": "2026-11-02"}
        return services.log_entry(actor=trainee, **{**defaults, **fields})[0]

    signed = log(
        title="Sepsis teaching",
        items=fpcs[:2],
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

    returned = log(title="Chest drain", kind="procedure", items=fpcs[2:3])
    photo = services.add_file_evidence(
        entry=returned, actor=trainee, uploaded_file=upload("drain.png", image_bytes("PNG"))
    )
    # What the worker does once the upload commits: re-encode it, keep it, make a thumbnail.
    services.process_evidence(evidence_id=photo.pk, actor=None)
    services.submit_for_sign_off(entry=returned, supervisor=supervisor, actor=trainee)
    services.return_entry(entry=returned, actor=supervisor, comment="Add the indication.")

    withdrawn = log(title="Ward round", kind="clinic", date="2026-10-01")
    services.submit_for_sign_off(entry=withdrawn, supervisor=supervisor, actor=trainee)
    services.approve(entry=withdrawn, actor=supervisor)
    services.withdraw_sign_off(entry=withdrawn, actor=supervisor, reason="Signed too soon.")

    log(title="Reading: NICE sepsis guideline", kind="reading", tags=["sepsis"])

    demo.create_badge_classes(organisation)
    badge_class = BadgeClass.objects.order_by("slug").first()
    awarding.award_badge(badge_class=badge_class, recipient=trainee)
    sign_checkpoint()
    return trainee


@pytest.fixture
def portfolio(db):
    return make_portfolio()


class InstanceGone(Exception):
    """Raised to roll instance A's data back once its archive is written."""


def exported_from_another_instance(site_url: str, settings) -> bytes:
    """A portfolio built, exported, and then rolled back out of the database: what is left
    is a site that holds only the shared curriculum frameworks, like a fresh install."""
    settings.SITE_URL = site_url
    with pytest.raises(InstanceGone), transaction.atomic():
        exported = archive_of(make_portfolio())
        raise InstanceGone
    return exported


def archive_of(trainee) -> bytes:
    out = io.BytesIO()
    write_archive(trainee=trainee, out=out, progress=lambda percent, doing: None)
    return out.getvalue()


def read_zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def portfolio_json(content: bytes) -> dict:
    return json.loads(read_zip(content)["portfolio.json"])
