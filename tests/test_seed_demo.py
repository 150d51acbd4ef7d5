"""seed_demo: the demo organisations, logins, F1 programme and portfolios, idempotent,
development only."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, Organisation, Supervision, User
from audit.models import AuditEntry
from curriculum import selectors
from curriculum.models import Enrolment, Programme, Requirement
from integrations.xapi import services as xapi
from integrations.xapi.models import ProviderConnection
from portfolio import coverage
from portfolio.identifiers import patient_identifier_warnings
from portfolio.models import EntryItem, LearningEntry, SignOff, SignOffRequest, Source, Status

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Membership,
            Supervision,
            Programme,
            Enrolment,
            Requirement,
            LearningEntry,
            EntryItem,
            SignOffRequest,
            SignOff,
            AuditEntry,
        )
    }


def statuses(trainee) -> dict[str, int]:
    return {
        status: LearningEntry.objects.for_trainee(trainee).filter(status=status).count()
        for status in Status.values
    }


def test_seed_demo_creates_the_demo_world_and_prints_the_logins(capsys, settings):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for email in [
        "trainee1@waymark.example",
        "supervisor1@waymark.example",
        "admin@waymark.example",
    ]:
        assert email in out
    assert settings.DEMO_PASSWORD in out
    assert Organisation.objects.get(slug="st-elsewhere").name == "St Elsewhere NHS Foundation Trust"
    assert set(Organisation.objects.values_list("kind", flat=True)) >= {
        "nhs_trust",
        "deanery",
        "elearning_provider",
    }
    assert authenticate(email="trainee1@waymark.example", password=settings.DEMO_PASSWORD)
    assert Supervision.objects.active().count() == 4


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    before = row_counts()
    trainee = User.objects.get(email="trainee1@waymark.example")
    before_statuses = statuses(trainee)
    call_command("seed_demo")
    assert row_counts() == before
    assert statuses(trainee) == before_statuses


def test_demo_trainee_coverage_shows_13_fpcs_under_3_hlos():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    programme = selectors.programmes_of_trainee(trainee).get()
    rows = coverage.coverage(trainee=trainee, programme=programme)
    assert [row.item.code for row in rows] == ["HLO1", "HLO2", "HLO3"]
    assert [len(row.children) for row in rows] == [5, 5, 3]
    assert all(child.requirement is not None for row in rows for child in row.children)


def test_demo_trainee_has_ten_months_of_entries_two_fifths_signed_off():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    # Four more drafts come from the teaching register (badges' demo attendance), and the
    # three assessments (assessments' demo) are completed.
    assert statuses(trainee) == {
        "draft": 18,
        "submitted": 5,
        "returned": 2,
        "signed_off": 17,
        "assessed": 3,
    }
    entries = (
        LearningEntry.objects.for_trainee(trainee)
        .exclude(external_id__startswith="attendance-")
        .exclude(kind="assessment")
    )
    assert entries.count() == 38
    assert len({e.kind for e in entries}) >= 12
    assert all(e.source == Source.IMPORT and e.external_id.startswith("demo-") for e in entries)
    dates = [e.date for e in entries]
    assert 250 <= (max(dates) - min(dates)).days <= 320
    assert entries.filter(title="e-LfH Safeguarding adults level 2").exists()
    assert all(1 <= e.mappings.count() <= 3 for e in entries)
    assert all(m.item.framework.slug == "uk-foundation" for m in EntryItem.objects.all())


def test_demo_sign_offs_are_by_the_trainees_supervisors():
    call_command("seed_demo")
    supervised = set(Supervision.objects.active().values_list("supervisor", "trainee"))
    sign_offs = SignOff.objects.all()
    assert sign_offs.count() == 17 + 2 + 2
    assert all((s.supervisor_id, s.trainee_id) in supervised for s in sign_offs)
    returned = SignOffRequest.objects.filter(outcome=SignOffRequest.Outcome.RETURNED)
    assert returned.count() == 2
    assert all(r.comment.strip() for r in returned)
    open_requests = SignOffRequest.objects.filter(outcome=SignOffRequest.Outcome.OPEN)
    assert open_requests.count() == LearningEntry.objects.awaiting_sign_off().count() == 5 + 1 + 1


def test_demo_coverage_is_partly_met():
    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    programme = selectors.programmes_of_trainee(trainee).get()
    summary = coverage.coverage_summary(coverage.coverage(trainee=trainee, programme=programme))
    assert summary == {"met": 10, "partly": 2, "not_started": 1, "required": 13}


def test_demo_reflections_identify_no_patient():
    call_command("seed_demo")
    reflections = LearningEntry.objects.exclude(reflection_what_happened="")
    assert reflections.count() >= 4
    for entry in reflections:
        for text in (
            entry.reflection_what_happened,
            entry.reflection_learned,
            entry.reflection_next_time,
        ):
            assert patient_identifier_warnings(text) == [], entry.title


def test_demo_audit_log_verifies(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    capsys.readouterr()
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "the chains are intact" in out
    assert "Every chain holds what checkpoint #1 signed" in out
    assert "Every standing sign-off matches its entry" in out
    assert AuditEntry.objects.filter(action="create").count() == LearningEntry.objects.count()


def test_seed_demo_refuses_outside_development(settings):
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="only runs in development mode"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_demo_trainee_has_badges_to_show():
    from badges.models import Award, Progress

    call_command("seed_demo")
    trainee = User.objects.get(email="trainee1@waymark.example")
    held = set(
        Award.objects.standing()
        .filter(recipient=trainee)
        .values_list("badge_class__slug", flat=True)
    )
    assert {"st-elsewhere-fy-teaching", "teaching-attendee", "teaching-impact"} <= held
    assert Progress.objects.filter(
        trainee=trainee, badge_class__slug="elearning-fifteen", current__lt=15
    ).exists()
    call_command("seed_demo")
    assert Award.objects.standing().filter(recipient=trainee).count() == len(held)


def test_the_demo_trainee_holds_a_badge_that_needs_signed_off_entries_and_says_so(client):
    from badges.models import Award, BadgeClass

    call_command("seed_demo")
    assert BadgeClass.objects.get(slug="journal-club-regular").rule["signed_off_only"] is True
    assert BadgeClass.objects.get(slug="elearning-fifteen").rule["signed_off_only"] is True
    award = Award.objects.standing().get(
        recipient__email="trainee1@waymark.example", badge_class__slug="journal-club-regular"
    )
    assert award.achieved["rule"]["entries"] == award.achieved["rule"]["signed_off"] == 5
    page = client.get(award.get_absolute_url()).content.decode()
    assert "5 social media entries between " in page
    assert "all 5 signed off by a supervisor" in page


def test_the_first_demo_trainee_has_connected_the_demo_provider_and_the_others_have_not():
    call_command("seed_demo")
    call_command("seed_demo")
    provider = Organisation.objects.get(slug="ward-round-learning")
    connected = ProviderConnection.objects.filter(organisation=provider)
    assert [c.user.email for c in connected] == ["trainee1@waymark.example"]
    # So a statement the provider sends for trainee1 becomes an entry, and for trainee2 not.
    trainee2 = {"mbox": "mailto:trainee2@waymark.example"}
    assert xapi.consenting_trainee(provider, {"mbox": "mailto:trainee1@waymark.example"})
    assert xapi.consenting_trainee(provider, trainee2) is None


def test_the_deanery_endorses_the_trusts_information_governance_badge_once(client):
    from badges.models import BadgeClass, Endorsement

    call_command("seed_demo")
    call_command("seed_demo")
    badge_class = BadgeClass.objects.get(slug="st-elsewhere-information-governance")
    [endorsement] = Endorsement.objects.live().filter(badge_class=badge_class)
    assert endorsement.endorser.name == "Elsewhere Deanery"
    page = client.get(reverse("badges:badge_class_detail", args=[badge_class.pk])).content.decode()
    assert "Elsewhere Deanery" in page
    assert "Meets the CSTF learning outcomes for Information Governance" in page
