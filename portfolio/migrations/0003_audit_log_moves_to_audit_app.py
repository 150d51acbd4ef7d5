"""The audit log moves to the audit app. Every row is copied as it is — same ids, same
hashes, nothing re-hashed — and the chain's head with it; then portfolio's tables go."""

from django.db import migrations

COLUMNS = "id, actor_id, action, object_type, object_id, at, payload, prev_hash, hash"


def copy(schema_editor, source: str, target: str, head_source: str, head_target: str):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {target} ({COLUMNS}) SELECT {COLUMNS} FROM {source}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {head_target} (id, last_hash, length) "  # noqa: S608
            f"SELECT id, last_hash, length FROM {head_source}"
        )
        if connection.vendor == "postgresql":
            # Copied ids do not advance the identity sequence; the next append must not
            # collide with them.
            for table in (target, head_target):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
                )


def forwards(apps, schema_editor):
    copy(
        schema_editor,
        "portfolio_auditentry",
        "audit_auditentry",
        "portfolio_audithead",
        "audit_audithead",
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS portfolio_auditentry_append_only ON portfolio_auditentry;"
        )


def backwards(apps, schema_editor):
    copy(
        schema_editor,
        "audit_auditentry",
        "portfolio_auditentry",
        "audit_audithead",
        "portfolio_audithead",
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE TRIGGER portfolio_auditentry_append_only BEFORE UPDATE OR DELETE ON "
            "portfolio_auditentry FOR EACH ROW EXECUTE FUNCTION waymark_refuse_change();"
        )
        # The rows now live in portfolio again; audit's copy goes, trigger off for the purpose.
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER;")
    schema_editor.execute("DELETE FROM audit_auditentry;")
    schema_editor.execute("DELETE FROM audit_audithead;")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER;")


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0002_append_only_triggers"),
        ("audit", "0001_initial"),
    ]
    # The rows are copied in the audit tables' first shape, before audit numbers them
    # into chains.
    run_before = [("audit", "0002_chains_and_checkpoints")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="AuditEntry"),
        migrations.DeleteModel(name="AuditHead"),
    ]
