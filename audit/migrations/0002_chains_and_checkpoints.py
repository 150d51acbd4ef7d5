"""One chain per trainee or organisation, signed checkpoints, and protection of the heads.

Entries written so far become the "site" chain, in the order they were written, with their
hashes unchanged; new entries go to the chain of whoever the change concerns."""

from django.db import migrations, models

# The entries' append-only trigger must stand aside while positions are numbered.
NUMBER_POSITIONS_POSTGRESQL = """
ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only;
UPDATE audit_auditentry AS e SET seq = n.position
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM audit_auditentry) AS n
 WHERE e.id = n.id;
ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only;
"""
NUMBER_POSITIONS_OTHER = """
UPDATE audit_auditentry SET seq = (
    SELECT COUNT(*) FROM audit_auditentry AS earlier WHERE earlier.id <= audit_auditentry.id
);
"""

# A head moves only forward, and only onto an entry of its own chain that exists; it is
# never deleted. TRUNCATE, which row triggers do not see, is refused on all three tables.
GUARD_HEAD = """
CREATE OR REPLACE FUNCTION audit_guard_head() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit chain heads are never deleted'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.length = 0 AND NEW.last_hash = repeat('0', 64) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.chain <> OLD.chain OR NEW.length <= OLD.length) THEN
        RAISE EXCEPTION 'an audit chain head only moves forward'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM audit_auditentry
         WHERE chain = NEW.chain AND seq = NEW.length AND hash = NEW.last_hash
    ) THEN
        RAISE EXCEPTION 'an audit chain head must point at an entry of its chain'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_audithead_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION audit_guard_head();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_auditentry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_audithead_no_truncate BEFORE TRUNCATE ON audit_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""

UNGUARD_HEAD = """
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_audithead_no_truncate ON audit_audithead;
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_audithead_guard ON audit_audithead;
DROP FUNCTION IF EXISTS audit_guard_head();
"""


def number_positions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NUMBER_POSITIONS_POSTGRESQL, params=None)
    else:
        schema_editor.execute(NUMBER_POSITIONS_OTHER)


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters, so psycopg leaves the '%' of RAISE alone.
        schema_editor.execute(GUARD_HEAD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD_HEAD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.CharField(default="site", max_length=60),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(number_positions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="audit_entry_position"
            ),
        ),
        # The one head there was is the site chain's.
        migrations.AddField(
            model_name="audithead",
            name="chain",
            field=models.CharField(default="site", max_length=60, unique=True),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(unique=True)),
                ("at", models.DateTimeField()),
                ("chains", models.PositiveIntegerField()),
                ("entries", models.PositiveBigIntegerField()),
                ("root", models.CharField(max_length=64)),
                ("previous", models.CharField(blank=True, max_length=64)),
                ("heads", models.JSONField()),
                ("key_id", models.CharField(max_length=16)),
                ("signature", models.CharField(max_length=100)),
            ],
            options={"ordering": ["number"]},
        ),
        migrations.RunPython(guard, unguard),
    ]
