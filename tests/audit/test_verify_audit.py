"""verify_audit: the chains, the signed checkpoints that anchor them, and the sign-offs
they vouch for. Tampering is done as someone with the database's own powers would: on
PostgreSQL with the append-only triggers switched off, as a superuser could."""

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from audit import chain, keys
from audit import services as audit
from audit.models import AuditEntry, AuditHead, Checkpoint
from core.hashing import canonical_json
from portfolio import services
from portfolio.models import LearningEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_off(log, enrolled_trainee, supervisor):
    entry = log(title="Lumbar puncture teaching")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)
    return entry


@pytest.fixture
def history(signed_off, log):
    """Twelve more entries in the trainee's chain, then a signed checkpoint."""
    for n in range(12):
        log(title=f"Ward round teaching {n}")
    return audit.sign_checkpoint()


def tamper(*statements):
    """Change rows behind Waymark's back, triggers off, as a database superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def trainee_chain(entry):
    return chain.user_chain(entry.trainee_id)


def test_verify_audit_passes_on_honest_data(history, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "verified: the chains are intact." in out
    assert f"Every chain holds what checkpoint #{history.number} signed" in out
    assert "Every standing sign-off matches its entry." in out


def test_a_trainees_writes_go_to_their_own_chain(signed_off, log, other_trainee):
    mine = list(AuditEntry.objects.filter(chain=trainee_chain(signed_off)).values_list("seq"))
    assert mine == [(1,), (2,), (3,)]  # created, submitted, signed off
    assert not AuditEntry.objects.filter(chain=chain.user_chain(other_trainee.pk)).exists()
    head = AuditHead.objects.get(chain=trainee_chain(signed_off))
    assert head.length == 3


def test_editing_a_signed_off_entry_in_the_database_is_caught_and_named(signed_off):
    LearningEntry.objects.filter(pk=signed_off.pk).update(title="Lumbar puncture (done alone)")
    with pytest.raises(
        CommandError, match=rf"Entry #{signed_off.pk} .* no longer matches what was signed off"
    ):
        call_command("verify_audit")


def test_editing_an_audit_entry_breaks_the_chain_at_that_entry(signed_off):
    entry = AuditEntry.objects.order_by("pk")[1]
    tamper(("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["delete", entry.pk]))
    with pytest.raises(CommandError, match=rf"audit entry #{entry.pk} .*contents do not match"):
        call_command("verify_audit")


def test_deleting_an_audit_entry_breaks_the_next_link(signed_off):
    first, second = AuditEntry.objects.filter(chain=trainee_chain(signed_off)).order_by("seq")[:2]
    tamper(("DELETE FROM audit_auditentry WHERE id = %s", [first.pk]))
    with pytest.raises(CommandError, match=rf"audit entry #{second.pk} .*its link"):
        call_command("verify_audit")


def test_removing_the_newest_entry_is_caught_by_the_head(signed_off):
    last = AuditEntry.objects.order_by("-pk").first()
    tamper(("DELETE FROM audit_auditentry WHERE id = %s", [last.pk]))
    with pytest.raises(CommandError, match="missing from the end of audit chain user:"):
        call_command("verify_audit")


def test_removing_the_last_entries_and_moving_the_head_back_is_caught_by_the_checkpoint(
    history, signed_off
):
    name = trainee_chain(signed_off)
    kept = AuditEntry.objects.filter(chain=name).order_by("seq")[4]  # keep 5 of 15
    tamper(
        ("DELETE FROM audit_auditentry WHERE chain = %s AND seq > %s", [name, kept.seq]),
        (
            "UPDATE audit_audithead SET length = %s, last_hash = %s WHERE chain = %s",
            [kept.seq, kept.hash, name],
        ),
    )
    with pytest.raises(
        CommandError,
        match=rf"Audit chain {name} held 15 entries when checkpoint #{history.number} was "
        r"signed .* and now holds 5: entries were removed",
    ):
        call_command("verify_audit")


def test_truncating_the_log_and_rewriting_the_heads_is_caught_by_the_checkpoint(history):
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks of the test's own transaction must fire first.
        empty = [("SET CONSTRAINTS ALL IMMEDIATE", []), ("TRUNCATE audit_auditentry", [])]
    else:
        empty = [("DELETE FROM audit_auditentry", [])]
    tamper(*empty, ("DELETE FROM audit_audithead", []))
    with pytest.raises(CommandError, match=r"held \d+ entries when checkpoint .* now holds 0"):
        call_command("verify_audit")


def test_replacing_the_entries_a_checkpoint_covered_is_caught(history, signed_off):
    """Rebuilding a chain with consistent hashes but other contents: each link verifies,
    but the entry at the checkpoint's position is not the one it signed."""
    name = trainee_chain(signed_off)
    entries = list(AuditEntry.objects.filter(chain=name).order_by("seq"))
    previous, rewritten = chain.GENESIS, []
    for entry in entries:
        payload = {**entry.payload, "rewritten": True}
        digest = chain.entry_hash(
            prev_hash=previous,
            actor_id=entry.actor_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            at=entry.at,
            payload=payload,
        )
        rewritten.append(
            (
                "UPDATE audit_auditentry SET payload = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(payload), previous, digest, entry.pk],
            )
        )
        previous = digest
    rewritten.append(
        ("UPDATE audit_audithead SET last_hash = %s WHERE chain = %s", [previous, name])
    )
    tamper(*rewritten)
    with pytest.raises(CommandError, match="not the entry that checkpoint #1 signed"):
        call_command("verify_audit")


def test_a_checkpoint_changed_in_the_database_no_longer_verifies(history):
    tamper(("UPDATE audit_checkpoint SET entries = entries - 1 WHERE id = %s", [history.pk]))
    with pytest.raises(CommandError, match=r"Checkpoint #1 fails: its signature does not verify"):
        call_command("verify_audit")


def test_a_checkpoint_signed_by_another_key_is_refused(history, settings):
    other = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    settings.AUDIT_SIGNING_KEY = other.decode()
    with pytest.raises(CommandError, match="not a trusted key"):
        call_command("verify_audit")


def test_after_rotation_earlier_checkpoints_verify_with_the_old_public_key(history, settings):
    old = keys.current_public_key()
    settings.AUDIT_SIGNING_KEY = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings.AUDIT_TRUSTED_PUBLIC_KEYS = [old.text]
    assert audit.sign_checkpoint() is None  # nothing new since: nothing to sign

    call_command("verify_audit")


def test_rolling_back_past_a_checkpoint_someone_kept_is_caught(history, tmp_path, client):
    kept = tmp_path / "checkpoint.json"
    kept.write_text(client.get(f"/audit/checkpoints/{history.number}/").content.decode())
    tamper(("DELETE FROM audit_checkpoint", []))

    with pytest.raises(CommandError, match="Checkpoint #1, signed .* is missing from the database"):
        call_command("verify_audit", checkpoint=str(kept))


def test_a_forged_checkpoint_to_compare_with_is_refused(history, tmp_path, client):
    published = client.get("/audit/checkpoints/latest/").json()
    published["statement"]["entries"] += 1
    forged = tmp_path / "checkpoint.json"
    forged.write_text(json.dumps(published))
    with pytest.raises(CommandError, match="is not genuine: its signature does not verify"):
        call_command("verify_audit", checkpoint=str(forged))


def test_a_checkpoint_is_signed_only_when_something_was_appended(history, log):
    assert audit.sign_checkpoint() is None
    log(title="One more")
    second = audit.sign_checkpoint()
    assert second.number == history.number + 1
    # Each checkpoint names the one before it.
    signed_before = canonical_json(chain.statement(history)).encode()
    assert second.previous == hashlib.sha256(signed_before).hexdigest()
    call_command("verify_audit")


def test_the_beat_schedule_signs_checkpoints(settings, signed_off):
    from audit.tasks import sign_checkpoint

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audit.tasks.sign_checkpoint" in scheduled
    assert sign_checkpoint.delay().get() == 1
    assert Checkpoint.objects.get().entries == AuditEntry.objects.count()


def test_audit_checkpoint_command(signed_off, capsys):
    call_command("audit_checkpoint")
    assert "Checkpoint #1 signed: 3 entries in 1 chains" in capsys.readouterr().out
    call_command("audit_checkpoint")
    assert "none signed" in capsys.readouterr().out


# --- A chain that travels with its portfolio -----------------------------------------------


def test_a_trainees_chain_record_verifies_away_from_the_database(history, signed_off):
    record = json.loads(json.dumps(audit.chain_record(trainee_chain(signed_off))))
    public = {k.key_id: k for k in keys.trusted_public_keys().values()}

    assert len(record["entries"]) == 15
    assert chain.verify_record(record, public) is None


def test_a_chain_record_missing_its_last_entries_fails(history, signed_off):
    record = audit.chain_record(trainee_chain(signed_off))
    record["entries"] = record["entries"][:-3]
    assert "the checkpoint signed 15 entries" in chain.verify_record(record)


def test_a_chain_record_with_an_edited_entry_fails(history, signed_off):
    record = audit.chain_record(trainee_chain(signed_off))
    record["entries"][2]["action"] = "delete"
    assert chain.verify_record(record) == "entry 3 of the chain does not match its hash or its link"


def test_a_chain_record_cannot_borrow_another_chains_proof(history, signed_off, other_trainee):
    services.log_entry(
        actor=other_trainee, title="Theirs", kind="teaching_attended", date=signed_off.date
    )
    audit.sign_checkpoint()
    mine = audit.chain_record(trainee_chain(signed_off))
    theirs = audit.chain_record(chain.user_chain(other_trainee.pk))
    mine["inclusion"] = theirs["inclusion"]
    assert chain.verify_record(mine) == "the checkpoint does not cover this chain"


# --- Published checkpoints ----------------------------------------------------------------


def test_checkpoints_are_published_without_naming_anyone(history, client):
    latest = client.get("/audit/checkpoints/latest/").json()
    assert latest["statement"]["number"] == history.number
    assert latest["statement"]["root"] == history.root
    assert "heads" not in json.dumps(latest) and "user:" not in json.dumps(latest)
    listed = client.get("/audit/checkpoints/").json()
    assert listed["checkpoints"] == [latest]
    published_keys = client.get("/audit/checkpoints/keys/").json()
    assert published_keys["current"] == history.key_id
    assert client.get("/audit/checkpoints/99/").status_code == 404
    assert client.get("/audit/checkpoints/?before=x").status_code == 400


def test_no_checkpoint_yet_is_a_404_and_verify_says_so(signed_off, client, capsys):
    assert client.get("/audit/checkpoints/latest/").status_code == 404
    call_command("verify_audit")
    assert "No checkpoint has been signed yet" in capsys.readouterr().out


def test_an_item_link_moved_to_another_trainee_is_caught(log, other_trainee, fpcs):
    entry = log(title="Chest drain teaching", items=[fpcs["FPC1"]])
    link = entry.mappings.get()
    tamper(
        (
            "UPDATE portfolio_entryitem SET trainee_id = %s WHERE id = %s",
            [other_trainee.pk, link.pk],
        )
    )
    with pytest.raises(CommandError, match=rf"Item link #{link.pk} of entry #{entry.pk} names"):
        call_command("verify_audit")


def test_a_checkpoint_removed_from_between_others_breaks_their_links(history, log):
    log(title="One more")
    audit.sign_checkpoint()
    log(title="And another")
    audit.sign_checkpoint()
    tamper(("DELETE FROM audit_checkpoint WHERE number = %s", [2]))
    with pytest.raises(CommandError, match="Checkpoint #3 does not follow the one before"):
        call_command("verify_audit")
