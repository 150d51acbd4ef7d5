"""Badges from elsewhere travel in the archive whatever they arrived as: an Open Badges 3.0
credential with no assertion or image, a badge added by its address with no image, an SVG;
with the ids rules and trusts name them by and the trainee's choice to show them. On the
new site they wait unchecked for the daily re-check, which verifies them there."""

import hashlib
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from badges import tasks
from badges.models import ExternalBadge
from exports.importer import import_portfolio
from exports.reading import ArchiveRefused
from tests.exports.archive.conftest import archive_of, read_zip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8"/></svg>'


class Gone(Exception):
    pass


def held_elsewhere(trainee) -> None:
    credential = {
        "id": "urn:uuid:6d2f1c7e-2b5a-4b6e-9d0f-3a1e2c4b5d6f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://college.example/issuer", "name": "A Royal College"},
        "credentialSubject": {"achievement": {"id": "https://college.example/a/bls"}},
    }
    ExternalBadge.objects.create(
        trainee=trainee, uid=uuid.uuid4(), badge_name="Basic life support",
        issuer_name="A Royal College", issued_on=ISSUED, credential=credential,
        credential_id=credential["id"], issuer_uri="https://college.example/issuer",
        achievement_uri="https://college.example/a/bls", public=True, source="a wallet",
        verified=True, verified_at=ISSUED,
    )  # fmt: skip
    by_address = ExternalBadge(
        trainee=trainee, uid=uuid.uuid4(), badge_name="Fire safety", issuer_name="Fire School",
        issued_on=ISSUED, assertion={"id": "https://fire.example/a/1", "type": "Assertion"},
        credential_id="https://fire.example/a/1", issuer_uri="https://fire.example/issuer",
        achievement_uri="https://fire.example/b/fire", source="https://fire.example/a/1",
        verified=True, verified_at=ISSUED,
    )  # fmt: skip
    by_address.image.save("badge.svg", ContentFile(SVG), save=False)
    by_address.save()


def exported_and_gone(trainee) -> bytes:
    with pytest.raises(Gone), transaction.atomic():
        held_elsewhere(trainee)
        content = archive_of(trainee)
        raise Gone
    return content


def identity(badge: ExternalBadge) -> tuple:
    return (badge.badge_name, badge.issuer_uri, badge.achievement_uri, badge.public,
            badge.credential, badge.assertion)  # fmt: skip


def test_badges_from_elsewhere_of_every_kind_arrive_with_their_ids_and_choices(settings):
    trainee = UserFactory(email="trainee@example.org")
    with transaction.atomic():
        held_elsewhere(trainee)
        before = sorted(identity(b) for b in ExternalBadge.objects.filter(trainee=trainee))
        content = archive_of(trainee)
        transaction.set_rollback(True)
    listed = {b["badge_name"]: b for b in json.loads(read_zip(content)["portfolio.json"])["badges"]}
    assert (
        listed["Basic life support"]["assertion"] is listed["Basic life support"]["image"] is None
    )
    assert listed["Fire safety"]["image"].endswith(".svg")

    arrived = UserFactory(email="arrived@example.org")
    import_portfolio(actor=arrived, trainee=arrived, archive_file=io.BytesIO(content))

    badges = ExternalBadge.objects.filter(trainee=arrived)
    assert sorted(identity(b) for b in badges) == before
    svg = badges.get(badge_name="Fire safety")
    with svg.image.open("rb") as image:
        assert image.read() == SVG
    # Unchecked here until the re-check: nothing counts them yet.
    assert {b.verified for b in badges} == {None}


def test_the_daily_recheck_takes_badges_an_archive_brought_first(monkeypatch):
    trainee = UserFactory(email="trainee@example.org")
    content = exported_and_gone(trainee)
    arrived = UserFactory(email="arrived@example.org")
    import_portfolio(actor=arrived, trainee=arrived, archive_file=io.BytesIO(content))
    checked = []
    monkeypatch.setattr(
        "badges.services.external.reverify_external_badge",
        lambda *, badge_id: checked.append(badge_id),
    )

    assert tasks.reverify_external_badges() == 2

    assert sorted(checked) == sorted(
        ExternalBadge.objects.filter(trainee=arrived).values_list("pk", flat=True)
    )


def test_an_image_that_is_not_one_is_refused_on_import():
    trainee = UserFactory(email="trainee@example.org")
    content = exported_and_gone(trainee)
    files = read_zip(content)
    [svg_path] = [name for name in files if name.endswith(".svg")]
    files[svg_path] = b"<html><script>alert(1)</script></html>"
    # The manifest made to agree, as someone crafting an archive would.
    manifest = json.loads(files["manifest.json"])
    manifest["files"][svg_path] = hashlib.sha256(files[svg_path]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as forged:
        for name, data in files.items():
            forged.writestr(name, data)

    with pytest.raises(ArchiveRefused) as refused:
        import_portfolio(actor=trainee, trainee=trainee, archive_file=io.BytesIO(out.getvalue()))

    assert any("not a badge image" in problem for problem in refused.value.problems)
