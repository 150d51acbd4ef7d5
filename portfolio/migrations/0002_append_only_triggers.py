"""On PostgreSQL, sign-offs, their withdrawals and the audit log are append-only in the
database itself: a trigger refuses UPDATE and DELETE of their rows, whoever asks."""

from django.db import migrations

APPEND_ONLY_TABLES = ["portfolio_signoff", "portfolio_signoffwithdrawal", "portfolio_auditentry"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION waymark_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters, so psycopg does not read the '%' of RAISE's format string as a placeholder.
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION waymark_refuse_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS waymark_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
