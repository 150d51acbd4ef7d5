"""Writes: saving an entry, concurrent writers, and seed_scale against a bare COPY.

- Saving an entry through portfolio.services.log_entry, against its floor: a single-row
  INSERT in its own transaction through the same connection, timed in turn with the saves.
  The save includes publishing its evaluation to the broker after commit, as a request
  does; that queue is emptied afterwards (the pipeline part measures evaluation).
- Concurrent writers: the same saves from 8 processes, each with its own connection and
  its own trainee, against 1 process; throughput in saves per second.
- seed_scale's rows per second against a plain COPY of the same rows (every row it leaves,
  the search words the database writes for each entry included) into scratch tables of
  the same shape (columns, checks, indexes and foreign keys; no triggers), both inside one
  transaction that is rolled back, so the database is left as it was; the deferred foreign
  key checks, which each of seed_scale's batches pays when it commits, are made inside the
  clock for both. The final ANALYZE is left out of seed_scale's time: a fixed cost that
  does not grow with the rows.
"""

import io
import multiprocessing
import time
from datetime import date

from bench.measure import env_int, interleaved
from bench.targets import Result

SAVES = env_int("BENCH_SAVES", 200)
WRITER_SAVES = env_int("BENCH_WRITER_SAVES", 100)  # per client
WRITERS = 8
SEED_ENTRIES = env_int("BENCH_SEED_ENTRIES", 50_000)
PART = "writes"


class Rollback(Exception):
    """Leaves a transaction without keeping what it wrote."""


def entry_fields(n: int) -> dict:
    return {
        "kind": "elearning",
        "title": f"Bench module {n}",
        "date": date(2026, 1, 1),
        "duration_minutes": 30,
    }


def save_entry(trainee, n: int) -> None:
    from portfolio import services

    services.log_entry(actor=trainee, **entry_fields(n))


def saving_an_entry(trainee_ids: list[int]) -> list[Result]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    trainee = User.objects.get(pk=trainee_ids[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert_floor (id bigserial PRIMARY KEY, "
            "trainee_id bigint NOT NULL, title varchar(200) NOT NULL, "
            "created_at timestamptz NOT NULL)"
        )

    def insert():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_insert_floor (trainee_id, title, created_at) "
                "VALUES (%s, %s, now())",
                [trainee.pk, "Bench module"],
            )

    counter = iter(range(10**9))
    samples = interleaved(
        {"insert": insert, "save": lambda: save_entry(trainee, next(counter))},
        rounds=SAVES,
        warmup=10,
    )
    with CaptureQueriesContext(connection) as queries:
        save_entry(trainee, next(counter))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_insert_floor")
    floor = samples["insert"].median
    return [
        Result(PART, "single-row INSERT transaction (floor)", floor),
        Result(
            PART,
            "save an entry (log_entry), median",
            samples["save"].median,
            floor,
            at_most=5,
            note=f"p95 {samples['save'].p95:.2f} ms; median of {SAVES} after 10 warm-up.",
        ),
        Result(
            PART,
            "save an entry: queries",
            len(queries.captured_queries),
            unit="queries",
            at_most=8,
        ),
    ]


def _writer(trainee_id: int, saves: int, start, results) -> None:
    """One client: its own process and connection, saving for its own trainee."""
    from django.db import connections

    from accounts.models import User

    connections.close_all()  # never share the parent's connection
    trainee = User.objects.get(pk=trainee_id)
    save_entry(trainee, 0)  # connect and warm up before the clock
    start.wait()
    began = time.perf_counter()
    for n in range(1, saves + 1):
        save_entry(trainee, n)
    results.put((began, time.perf_counter(), saves))
    connections.close_all()


def throughput(trainee_ids: list[int], saves: int) -> float:
    """Saves per second of len(trainee_ids) clients at once, each making `saves`."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=_writer, args=(pk, saves, start, results)) for pk in trainee_ids
    ]
    for worker in workers:
        worker.start()
    time.sleep(1)  # let every client connect and warm up
    start.set()
    done = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise SystemExit(f"A writer process failed (exit code {worker.exitcode}).")
    began = min(d[0] for d in done)
    ended = max(d[1] for d in done)
    return sum(d[2] for d in done) / (ended - began)


def concurrent_writers(trainee_ids: list[int]) -> list[Result]:
    one = throughput(trainee_ids[:1], WRITER_SAVES * 2)
    many = throughput(trainee_ids[1 : WRITERS + 1], WRITER_SAVES)
    return [
        Result(PART, "1 writer (floor)", one, unit="saves/s"),
        Result(
            PART,
            f"{WRITERS} writers, 8 trainees",
            many,
            one,
            unit="saves/s",
            at_least=1.6,
            note=f"{WRITER_SAVES} saves per writer, each a process with its own connection.",
        ),
    ]


# --- seed_scale against COPY ---------------------------------------------------------------


def seeded_tables():
    from accounts.models import Membership, Supervision, User
    from curriculum.models import Enrolment
    from portfolio.models import EntryItem, EntrySearch, LearningEntry, SignOffRequest

    return [
        User,
        Membership,
        Supervision,
        Enrolment,
        LearningEntry,
        EntryItem,
        LearningEntry.tags.through,
        SignOffRequest,
        # Written by the database itself as the entries arrive (portfolio migration 0010),
        # but rows seed_scale leaves all the same: the floor copies them too.
        EntrySearch,
    ]


def seed_speed() -> list[Result]:
    from django.db import connection, transaction

    from bench.seed_scale import seed_scale

    models = seeded_tables()
    tables = [m._meta.db_table for m in models]
    quote = connection.ops.quote_name
    trainees = max(1, SEED_ENTRIES // 2000)
    per_trainee = SEED_ENTRIES // trainees
    try:
        with transaction.atomic():
            before = {m._meta.db_table: max_id(m) for m in models}
            keys = {m._meta.db_table: m._meta.pk.column for m in models}
            started = time.perf_counter()
            seed_scale(
                trainees=trainees,
                entries_per_trainee=per_trainee,
                out=io.StringIO(),
                analyze=False,
            )
            # Each batch's foreign keys are checked when it commits; inside this
            # transaction that would not happen until the end, so make it happen now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seeding = time.perf_counter() - started
            # The rows seed_scale wrote, as COPY's own text, read back untimed.
            dumps = {}
            with connection.connection.cursor() as cursor:
                for table in tables:
                    buffer = io.BytesIO()
                    # Names from the models, a number from the database.
                    newer = (
                        f"SELECT * FROM {quote(table)} "  # noqa: S608
                        f"WHERE {quote(keys[table])} > {before[table]:d}"
                    )
                    sql = f"COPY ({newer}) TO STDOUT"
                    with cursor.copy(sql) as copy:
                        for chunk in copy:
                            buffer.write(chunk)
                    dumps[table] = buffer.getvalue()
                    scratch_table(cursor, table, quote)
                rows = sum(d.count(b"\n") for d in dumps.values())
                started = time.perf_counter()
                for table in tables:
                    with cursor.copy(f"COPY {quote('bench_copy_' + table)} FROM STDIN") as copy:
                        view = memoryview(dumps[table])
                        for at in range(0, len(view), 1 << 20):
                            copy.write(view[at : at + (1 << 20)])
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                copying = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    seed_rate, copy_rate = rows / seeding, rows / copying
    return [
        Result(PART, "COPY of the same rows (floor)", copy_rate, unit="rows/s"),
        Result(
            PART,
            "seed_scale",
            seed_rate,
            copy_rate,
            unit="rows/s",
            at_least=0.5,
            note=(
                f"{rows:,} rows ({trainees * per_trainee:,} entries with their people, "
                f"mappings, tags, requests and search words): seed_scale {seeding:.1f} s, "
                f"COPY {copying:.1f} s."
            ),
        ),
    ]


def scratch_table(cursor, table: str, quote) -> None:
    """An empty table of `table`'s shape: its columns, defaults, checks and indexes (LIKE …
    INCLUDING ALL) and its foreign keys (which LIKE leaves out), deferred as Django makes
    them; no triggers and no rows."""
    scratch = quote("bench_copy_" + table)
    cursor.execute(f"CREATE TABLE {scratch} (LIKE {quote(table)} INCLUDING ALL)")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(
            f"ALTER TABLE {scratch} ADD CONSTRAINT {quote('bench_' + name)} {definition}"
        )


def max_id(model) -> int:
    from django.db import connection

    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max({key}), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def run(writer_ids: list[int]) -> list[Result]:
    from badges.models import PendingEvaluation
    from config.celery import app

    results = saving_an_entry(writer_ids) + concurrent_writers(writer_ids) + seed_speed()
    # The saves published evaluations that no worker was there to take: drop them, so the
    # pipeline starts from an empty queue.
    app.control.purge()
    PendingEvaluation.objects.filter(trainee_id__in=writer_ids).delete()
    return results
