"""Importing a portable archive: entries, evidence and mappings arrive as they were;
sign-offs made elsewhere arrive attested elsewhere, badges as issued elsewhere, neither
counted as made here; the same archive twice changes nothing; and a portfolio exported,
imported into a site that starts empty and exported again reads the same."""

import io
import json
from datetime import date

import pytest

from accounts.models import Role, User
from audit.models import AuditEntry
from badges import facts, rules
from badges.models import Award, ExternalBadge
from badges.services import awarding
from curriculum.models import Framework
from exports.importer import import_portfolio
from exports.reading import ArchiveRefused
from portfolio.models import (
    AttestedSignOff,
    Evidence,
    LearningEntry,
    SignOff,
    SignOffRequest,
    Status,
)
from tests.exports.archive.conftest import archive_of, exported_from_another_instance, read_zip
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def import_into(trainee, content: bytes):
    return import_portfolio(actor=trainee, trainee=trainee, archive_file=io.BytesIO(content))


@pytest.fixture
def instance_b(settings):
    """Instance B: an archive from instance A, and B's empty database but for frameworks."""
    archive = exported_from_another_instance("https://a.waymark.example", settings)
    assert not LearningEntry.objects.exists()
    assert not User.objects.exists()
    assert not Award.objects.exists()
    assert not AuditEntry.objects.exists()
    assert Framework.objects.filter(slug="uk-foundation", version="2021").exists()
    settings.SITE_URL = "https://b.waymark.example"
    return archive


def without_instance_fields(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in ("exported_at", "instance")}


def test_round_trip_gives_the_same_portfolio_and_byte_identical_files(instance_b):
    arrived = UserFactory(email="trainee@example.org", full_name="Dr Asha Patel",
                          registration_number="7123456")  # fmt: skip

    import_into(arrived, instance_b)
    again = archive_of(arrived)

    from_a, from_b = read_zip(instance_b), read_zip(again)
    document_a = json.loads(from_a.pop("portfolio.json"))
    document_b = json.loads(from_b.pop("portfolio.json"))
    assert without_instance_fields(document_b) == without_instance_fields(document_a)
    assert document_b["instance"]["url"] == "https://b.waymark.example"
    carried = {n for n in from_a if n.startswith(("evidence/", "badges/"))}
    assert carried == {n for n in from_b if n.startswith(("evidence/", "badges/"))}
    # A PDF, an image, and a badge's assertion, baked image and Open Badges 3.0 credential
    # in both forms.
    assert len(carried) == 6
    assert all(from_b[name] == from_a[name] for name in carried)


def test_entries_arrive_as_they_were_with_evidence_and_mappings(instance_b):
    trainee = UserFactory(email="trainee@example.org")

    report = import_into(trainee, instance_b)

    assert (report.entries_added, report.evidence_files, report.badges_added) == (4, 2, 1)
    entry = LearningEntry.objects.get(trainee=trainee, title="Sepsis teaching")
    assert entry.reflection_learned == "Lactate early."
    assert sorted(t.name for t in entry.tags.all()) == ["sepsis", "teaching"]
    assert entry.mappings.count() == 2
    [pdf] = entry.evidence.filter(kind=Evidence.Kind.FILE)
    with pdf.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF")
    assert entry.evidence.get(kind=Evidence.Kind.LINK).url == "https://example.org/sepsis"


def test_imported_images_get_their_thumbnails_made_here(
    instance_b, django_capture_on_commit_callbacks
):
    trainee = UserFactory(email="trainee@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        import_into(trainee, instance_b)

    image = Evidence.objects.get(entry__trainee=trainee, content_type__startswith="image/")
    assert image.thumbnail
    with image.thumbnail.open("rb") as thumbnail:
        assert thumbnail.read(12)[8:12] == b"WEBP"


def test_sign_offs_from_elsewhere_arrive_attested_locked_and_with_their_issuing_site(
    instance_b,
):
    trainee = UserFactory(email="trainee@example.org")

    import_into(trainee, instance_b)

    entry = LearningEntry.objects.get(trainee=trainee, title="Sepsis teaching")
    [attested] = entry.attested_sign_offs.all()
    assert (attested.site, attested.supervisor_name, attested.supervisor_gmc_number) == (
        "https://a.waymark.example", "Dr Ben Okafor", "7654321"
    )  # fmt: skip
    assert attested.is_standing and len(attested.content_hash) == 64
    assert entry.status == Status.SIGNED_OFF and entry.is_locked
    assert not SignOff.objects.exists() and not SignOffRequest.objects.exists()
    assert LearningEntry.objects.get(title="Chest drain").status == Status.RETURNED
    withdrawn = AttestedSignOff.objects.get(entry__title="Ward round")
    assert withdrawn.withdrawal_reason == "Signed too soon." and not withdrawn.is_standing
    assert LearningEntry.objects.get(title="Ward round").status == Status.DRAFT


def test_badge_rules_never_count_sign_offs_attested_elsewhere(instance_b):
    trainee = UserFactory(email="trainee@example.org")

    import_into(trainee, instance_b)

    every_entry = rules.fact_request({"type": "event_count", "min": 1}, date.today())
    counted = facts.gather(trainee, {every_entry}, date.today())[every_entry]
    assert (counted.entries, counted.signed_off) == (4, 0)


def test_badges_arrive_as_issued_elsewhere_with_their_original_assertion(instance_b):
    trainee = UserFactory(email="trainee@example.org")
    files = read_zip(instance_b)
    [listed] = json.loads(files["portfolio.json"])["badges"]

    import_into(trainee, instance_b)

    [badge] = ExternalBadge.objects.filter(trainee=trainee)
    assert badge.assertion == json.loads(files[listed["assertion"]])
    assert badge.source == "https://a.waymark.example"
    with badge.image.open("rb") as image:
        assert image.read() == files[listed["image"]]
    assert not Award.objects.exists()


def test_importing_the_same_archive_twice_changes_nothing(instance_b, stored):
    trainee = UserFactory(email="trainee@example.org")
    import_into(trainee, instance_b)
    counts = (
        LearningEntry.objects.count(), Evidence.objects.count(), AttestedSignOff.objects.count(),
        ExternalBadge.objects.count(), AuditEntry.objects.count(),
    )  # fmt: skip
    files = stored()

    report = import_into(trainee, instance_b)

    assert not report.changed_anything
    assert (report.entries_present, report.badges_present) == (4, 1)
    assert counts == (
        LearningEntry.objects.count(), Evidence.objects.count(), AttestedSignOff.objects.count(),
        ExternalBadge.objects.count(), AuditEntry.objects.count(),
    )  # fmt: skip
    assert stored() == files


def test_an_archive_already_imported_by_someone_else_is_refused(instance_b):
    import_into(UserFactory(email="trainee@example.org"), instance_b)
    someone_else = UserFactory()

    with pytest.raises(ArchiveRefused) as refused:
        import_into(someone_else, instance_b)

    assert "portfolio.json at $.entries[0]: entry " in refused.value.problems[0]
    assert "belongs to another account here" in refused.value.problems[0]
    assert not LearningEntry.objects.filter(trainee=someone_else).exists()


def test_what_only_the_other_site_holds_is_reported_not_imported(instance_b):
    report = import_into(UserFactory(email="trainee@example.org"), instance_b)

    assert any("1 programme enrolment(s)" in note for note in report.notes)
    assert report.exported_from == "https://a.waymark.example"


def test_a_rule_counting_signed_off_entries_does_not_award_for_sign_offs_made_elsewhere(
    instance_b, org_a, org_admin
):
    from badges import demo
    from badges.services import badge_classes

    trainee = UserFactory(email="trainee@example.org")
    MembershipFactory(user=trainee, organisation=org_a, role=Role.TRAINEE)
    import_into(trainee, instance_b)
    demo.create_badge_classes(org_a)
    signed_teaching = badge_classes.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="signed-teaching",
        name="Signed teaching",
        description="Teaching attended and signed off.",
        criteria="One teaching session signed off by a supervisor.",
        rule={"type": "event_count", "min": 1, "kinds": ["teaching_attended"],
              "signed_off_only": True},
    )  # fmt: skip
    unsigned_teaching = badge_classes.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="any-teaching",
        name="Any teaching",
        description="Teaching attended.",
        criteria="One teaching session.",
        rule={"type": "event_count", "min": 1, "kinds": ["teaching_attended"]},
    )

    awards = awarding.evaluate_awards(trainee=trainee)

    assert unsigned_teaching in [a.badge_class for a in awards]
    assert not Award.objects.filter(recipient=trainee, badge_class=signed_teaching).exists()


def test_an_archive_exported_for_another_address_is_imported_and_says_so(instance_b):
    report = import_into(UserFactory(email="asha.patel@nhs.example"), instance_b)

    assert report.entries_added == 4
    assert "This archive was exported for trainee@example.org." in report.notes
