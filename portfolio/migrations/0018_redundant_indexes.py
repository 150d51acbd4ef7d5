"""Indexes that every item link wrote and no read needed, and a covering index for the
signed-off entries that coverage counts.

The item links' foreign keys had indexes of their own (entryitem.entry, entryitem.item),
each the first column of a wider index that serves every read of them. Only the indexes are
dropped: altering the fields the usual way would also drop and re-add their foreign keys,
re-checking every row of the largest tables under lock for nothing. Their names differ
between databases (SQLite's tables were rebuilt under their later names), so each is found
by its one column."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column) of each foreign key whose own index goes.
FOREIGN_KEY_COLUMNS = [
    ("portfolio_entryitem", "entry_id"),
    ("portfolio_entryitem", "item_id"),
]


def single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]
    ]


def drop_foreign_key_indexes(apps, schema_editor):
    for table, column in FOREIGN_KEY_COLUMNS:
        for name in single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_foreign_key_indexes(apps, schema_editor):
    for table, column in FOREIGN_KEY_COLUMNS:
        if not single_column_indexes(schema_editor, table, column):
            name = schema_editor.quote_name(f"{table}_{column}_fk")
            schema_editor.execute(
                f"CREATE INDEX {name} ON {schema_editor.quote_name(table)} "
                f"({schema_editor.quote_name(column)})"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0002_enrolment_uid"),
        ("portfolio", "0017_assessed_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop_foreign_key_indexes, create_foreign_key_indexes),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="entryitem",
                    name="entry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mappings",
                        to="portfolio.learningentry",
                    ),
                ),
                migrations.AlterField(
                    model_name="entryitem",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mappings",
                        to="curriculum.item",
                    ),
                ),
            ],
        ),
        migrations.RemoveIndex(model_name="learningentry", name="event_trainee_status"),
        migrations.AddIndex(
            model_name="learningentry",
            index=models.Index(fields=["trainee", "status", "id"], name="event_trainee_status"),
        ),
    ]
