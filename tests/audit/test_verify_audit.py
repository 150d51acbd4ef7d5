"""verify_audit: the hash chain and the sign-offs it vouches for."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEntry
from portfolio import services
from portfolio.models import LearningEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_off(log, enrolled_trainee, supervisor):
    entry = log(title="Lumbar puncture teaching")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)
    return entry


def tamper(sql, params):
    """Change rows behind Waymark's back. On PostgreSQL the append-only triggers would
    refuse, so switch them off for this session as a database superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_verify_audit_passes_on_honest_data(signed_off, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "3 audit entries verified" in out
    assert "Every standing sign-off matches its entry." in out


def test_editing_a_signed_off_entry_in_the_database_is_caught_and_named(signed_off):
    LearningEntry.objects.filter(pk=signed_off.pk).update(title="Lumbar puncture (done alone)")
    with pytest.raises(
        CommandError, match=rf"Entry #{signed_off.pk} .* no longer matches what was signed off"
    ):
        call_command("verify_audit")


def test_editing_an_audit_entry_breaks_the_chain_at_that_entry(signed_off):
    entry = AuditEntry.objects.order_by("pk")[1]
    tamper("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["delete", entry.pk])
    with pytest.raises(
        CommandError, match=rf"audit entry #{entry.pk} failed: its contents do not match"
    ):
        call_command("verify_audit")


def test_deleting_an_audit_entry_breaks_the_next_link(signed_off):
    first, second = AuditEntry.objects.order_by("pk")[:2]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [first.pk])
    with pytest.raises(CommandError, match=rf"audit entry #{second.pk} failed: its link"):
        call_command("verify_audit")


def test_removing_the_newest_entry_is_caught_too(signed_off):
    last = AuditEntry.objects.order_by("-pk").first()
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="the end of the audit log"):
        call_command("verify_audit")
