"""A sign-off's hash covers everything the supervisor saw and relied on, and a sign-off
keeps being checked by the version of the hash it was given with: sign-offs given before
versions existed are version 1, and still verify."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.urls import reverse

from core.hashing import sha256
from portfolio import services
from portfolio.content import sign_off_matches
from portfolio.integrity import first_altered_sign_off
from portfolio.models import Evidence, LearningEntry, SignOff


@pytest.fixture
def signed_off(log, enrolled_trainee, supervisor):
    entry = log(title="Breaking bad news", reflection_learned="Sit down; leave silences.")
    services.add_link_evidence(
        entry=entry, actor=enrolled_trainee, url="https://example.org/spikes", title="SPIKES"
    )
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)
    return entry


@pytest.mark.django_db
def test_new_sign_offs_are_hashed_with_the_current_version(signed_off):
    sign_off = SignOff.objects.get(entry=signed_off)
    assert sign_off.hash_version == 2
    assert sign_off_matches(sign_off)


BEHIND_ITS_BACK = {
    "sharing the reflection": lambda entry: LearningEntry.objects.filter(pk=entry.pk).update(
        reflection_shared=True
    ),
    "renaming the evidence": lambda entry: Evidence.objects.filter(entry=entry).update(
        title="SPIKES (annotated)"
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", BEHIND_ITS_BACK.values(), ids=BEHIND_ITS_BACK)
def test_verify_audit_names_an_entry_changed_in_the_database_after_sign_off(signed_off, change):
    call_command("verify_audit")

    change(signed_off)

    with pytest.raises(
        CommandError,
        match=rf"Entry #{signed_off.pk} “Breaking bad news” no longer matches what was signed off",
    ):
        call_command("verify_audit")


@pytest.mark.django_db
def test_the_entry_page_and_the_api_say_the_entry_changed_since_it_was_signed_off(
    client, signed_off, supervisor
):
    LearningEntry.objects.filter(pk=signed_off.pk).update(reflection_shared=True)
    client.force_login(supervisor)

    page = client.get(reverse("portfolio:entry_detail", args=[signed_off.pk])).text

    assert "this entry no longer matches what was signed off" in page
    assert "The entry still matches exactly what was signed off." not in page
    sign_off = client.get(f"/api/v1/events/{signed_off.pk}/").json()["sign_off"]
    assert sign_off["content_matches"] is False


@pytest.mark.django_db
def test_a_sign_off_of_a_version_waymark_does_not_know_matches_nothing(signed_off):
    # A row claiming a version from the future, as only someone able to switch off the
    # append-only trigger (on PostgreSQL) could write it.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE portfolio_signoff SET hash_version = 9")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")

    assert first_altered_sign_off().startswith(f"Entry #{signed_off.pk} ")


def test_a_sign_off_given_before_hash_versions_is_version_1_and_still_verifies(migrator):
    old = migrator(("portfolio", "0006_normal_tag_names"))
    User = old.get_model("accounts", "User")
    trainee = User.objects.create(email="trainee@example.org", full_name="Asha Patel")
    supervisor = User.objects.create(email="supervisor@example.org", full_name="Dr Okafor")
    entry = old.get_model("portfolio", "LearningEntry").objects.create(
        trainee=trainee,
        kind="clinic",
        title="Skin clinic",
        date=date(2026, 10, 5),
        reflection_learned="Look at the nails.",
        status="signed_off",
    )
    request = old.get_model("portfolio", "SignOffRequest").objects.create(
        entry=entry, supervisor=supervisor, outcome="approved"
    )
    # The hash exactly as Waymark computed it before versions: version 1's spelling.
    reflection = sha256('["","Look at the nails.",""]')
    spelled = (
        '{"cpd_credits":"0","date":"2026-10-05","description":"","duration_minutes":null,'
        f'"evidence":[],"id":{entry.pk},"items":[],"kind":"clinic","location":"",'
        f'"provider":"","reflection_sha256":"{reflection}","tags":[],"time":null,'
        f'"title":"Skin clinic","trainee":{trainee.pk}}}'
    )
    old.get_model("portfolio", "SignOff").objects.create(
        entry=entry,
        request=request,
        trainee=trainee,
        supervisor=supervisor,
        content_hash=sha256(spelled),
    )

    migrator.to_latest()

    sign_off = SignOff.objects.get()
    assert sign_off.hash_version == 1
    assert sign_off_matches(sign_off)
    call_command("verify_audit")
    # Version 1 still catches what it always caught.
    LearningEntry.objects.filter(pk=entry.pk).update(title="Skin clinic (alone)")
    with pytest.raises(CommandError, match=rf"Entry #{entry.pk} “Skin clinic \(alone\)”"):
        call_command("verify_audit")


def test_migrating_back_past_hash_versions_is_refused_while_later_versions_are_recorded(
    migrator, log, enrolled_trainee, supervisor
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)

    with pytest.raises(IrreversibleError, match="1 sign-offs were hashed with a later version"):
        migrator(("portfolio", "0006_normal_tag_names"))
    assert SignOff.objects.get().hash_version == 2
