"""Bulk writes with PostgreSQL's COPY, through the psycopg 3 connection under Django's.

COPY streams rows to the server with no statement per row and no ids sent back, which is
why seed_scale and the bench use it for millions of rows: several times faster than
INSERT … VALUES batches. At that rate building a model instance per row would cost more
than the server's work, so rows are made from plain values (`Rows`): the caller gives some
fields, already as the database stores them (ids, str, date, Decimal …), and every other
column is filled as Django would fill it on save: auto_now columns with the time, callable
defaults called for each row (uuid4, timezone.now), constant defaults once. A column added
to a model later is filled the same way, not left to a stale list here.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

GIVEN, CALL, CONSTANT = range(3)


def copy_fields(model: type[models.Model], *, with_pk: bool) -> list[models.Field]:
    """The columns COPY writes for `model`: every stored field, the primary key only when
    the caller chose the ids (see reserve_ids)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False) and (with_pk or not field.primary_key)
    ]


class Rows:
    """Turns {attname: value} into a row of `model`'s table, in `columns` order."""

    def __init__(self, model, given: Iterable[str], *, with_pk: bool = False, alias=None):
        self.model = model
        self.connection = connections[alias or DEFAULT_DB_ALIAS]
        self.fields = copy_fields(model, with_pk=with_pk)
        self.columns = [field.column for field in self.fields]
        given = set(given)
        unknown = given - {field.attname for field in self.fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column for {', '.join(sorted(unknown))}")
        now = timezone.now()
        self.plan = []
        for field in self.fields:
            if field.attname in given:
                self.plan.append((GIVEN, field.attname))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now if isinstance(field, models.DateTimeField) else now.date()
                self.plan.append((CONSTANT, self.prepare(field, value)))
            elif field.has_default() and callable(field.default):
                self.plan.append((CALL, field))
            elif field.get_default() is not None or field.null:
                # What save() sends for a field left alone: its default, "" for text.
                self.plan.append((CONSTANT, self.prepare(field, field.get_default())))
            else:
                raise ValueError(f"{model.__name__}.{field.name} has no default: give it.")

    def prepare(self, field, value):
        return field.get_db_prep_save(value, self.connection)

    def row(self, values: Mapping) -> list:
        row = []
        for how, what in self.plan:
            if how == GIVEN:
                row.append(values[what])
            elif how == CONSTANT:
                row.append(what)
            else:
                row.append(self.prepare(what, what.get_default()))
        return row

    def copy(self, values: Iterable[Mapping]) -> int:
        """COPY one row per mapping into the table; returns how many."""
        return copy_rows(
            self.model._meta.db_table,
            self.columns,
            (self.row(v) for v in values),
            self.connection,
        )


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], connection=None) -> int:
    """COPY plain tuples (already in database form) into `table`."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def copy_instances(model: type[models.Model], instances: Iterable[models.Model]) -> int:
    """COPY unsaved model instances (the database numbers them; they keep pk None). For the
    few thousand rows where building instances costs nothing that matters."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = copy_fields(model, with_pk=False)
    rows = (
        [field.get_db_prep_save(field.pre_save(i, True), connection) for field in fields]
        for i in instances
    )
    return copy_rows(model._meta.db_table, [f.column for f in fields], rows, connection)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's own sequence, for rows that COPY writes
    with their ids (COPY cannot return the ids it made, and links need them)."""
    if count == 0:
        return []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]
