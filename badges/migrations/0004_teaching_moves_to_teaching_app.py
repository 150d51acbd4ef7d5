"""Teaching programmes, sessions and attendance move to the teaching app.

The rows stay where they are: the three tables are renamed from badges_* to teaching_*
(AlterModelTable, in the database only), so that every row keeps its id and every foreign
key — attendance to its session, trainee, recorder and learning event — keeps pointing at
the same rows. Renaming rather than keeping the old names through Meta.db_table means the
tables are named after the app that owns them, like every other table, and a later reader
of the database is not sent to badges for teaching. PostgreSQL renames in place and keeps
the foreign keys (they refer to the table, not its name); SQLite rewrites the references.
Indexes, constraints and sequences keep their old generated names, which nothing relies on.

In Django's state the models leave badges here and teaching's 0001_initial takes them on
without touching the database. Reversible: migrating back renames the tables back.
"""

from django.db import migrations

MOVED = ["teachingprogramme", "teachingsession", "attendance"]


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0003_teaching_programme_slug_unique"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=f"teaching_{name}") for name in MOVED
            ],
            state_operations=[
                # Attendance first: it refers to sessions, which refer to programmes.
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="TeachingSession"),
                migrations.DeleteModel(name="TeachingProgramme"),
            ],
        ),
    ]
