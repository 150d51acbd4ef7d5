"""The bench's databases and the people in them.

`make bench` works on scratch PostgreSQL databases: the one DATABASE_URL names (BENCH_ROWS
entries, a million by default) and, for the table-size comparison, a second one beside it
with BENCH_SMALL_ROWS (200,000), named after the first with the size appended
(waymark_bench_200k). Both are created, migrated and seeded on first use and topped up on
later runs, so only the first run pays for seeding.
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

from bench.measure import env_int

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/waymark_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"  # a database number the tests do not use
ENTRIES = env_int("BENCH_ENTRIES", 2000)  # the large trainee's entries
FEW_ENTRIES = 10  # the small trainee's
ROWS = env_int("BENCH_ROWS", 1_000_000)
SMALL_ROWS = env_int("BENCH_SMALL_ROWS", 200_000)
FEW_EMAIL = "scale-few-trainee-0000000@scale.waymark.example"
SEARCH_TERM = "sepsis"
SEARCH_HIT_TITLE = "Sepsis recognition and the first hour: simulation"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def sized_database_url(url: str, rows: int) -> str:
    """The URL of the database the bench keeps `rows` entries in: DATABASE_URL's own for
    the main size, one named after it for another size."""
    if rows == ROWS:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{rows // 1000}k"))


def create_database(url: str) -> bool:
    """Create the database `url` names if it is missing; True when it was created."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def prepare_process(url: str) -> None:
    """Environment for a bench process, before Django starts: the database, production's
    behaviour where it changes speed (no debug pages, no query log), and throttles the
    thousands of API calls would otherwise trip (their cache look-ups still happen)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"  # a debug cursor keeps every query: slower, and growing
    os.environ.setdefault("API_THROTTLE_USER", "100000000/min")
    os.environ.setdefault("API_THROTTLE_ANON", "100000000/min")


def setup_django(url: str, *, out=sys.stdout) -> None:
    """Create and migrate the database if need be, then start Django on it."""
    import warnings

    # WhiteNoise warns that collectstatic has not been run; static files play no part here.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    prepare_process(url)
    if create_database(url):
        out.write(f"Created database {database_name(url)}.\n")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    call_command("migrate", verbosity=0, interactive=False)


def total_entries() -> int:
    from portfolio.models import LearningEntry

    return LearningEntry.objects.count()


def ensure_entries(rows: int, *, out=sys.stdout) -> float | None:
    """Seed until the database holds `rows` entries, in trainees of ENTRIES each. Returns
    the seconds seeding took, or None when there was nothing to seed."""
    import time

    from bench.seed_scale import seed_scale

    have = total_entries()
    if have >= rows * 0.99:
        return None
    trainees = -(-(rows - have) // ENTRIES)
    out.write(f"The database has {have:,} of {rows:,} entries: seeding {trainees} × {ENTRIES:,}.\n")
    started = time.perf_counter()
    seed_scale(trainees=trainees, entries_per_trainee=ENTRIES, out=out)
    return time.perf_counter() - started


def settle() -> None:
    """VACUUM ANALYZE the database before measuring: what autovacuum does on a long-running
    site (and may not do here: this machine's PostgreSQL runs with autovacuum off). Without
    it, a table no vacuum has seen since seeding makes every index-only scan visit the
    table as well, and the planner guesses from stale statistics. Seconds, once the
    tables have been vacuumed before."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def page_trainees(*, out=sys.stdout):
    """The two trainees the pages are timed for: one with ENTRIES entries (seeded with the
    rest) and one with FEW_ENTRIES, both in the scale organisation and programme."""
    from django.db.models import Count

    from accounts.models import User
    from bench.seed_scale import seed_scale
    from portfolio.models import LearningEntry

    many = (
        User.objects.filter(email__startswith="scale-trainee-")
        .annotate(entries=Count("learning_entries"))
        .filter(entries=ENTRIES)
        .order_by("pk")
        .first()
    )
    if many is None:
        raise SystemExit(f"No scale trainee has exactly {ENTRIES:,} entries.")
    few = User.objects.filter(email=FEW_EMAIL).first()
    if few is None:
        seed_scale(
            trainees=1, entries_per_trainee=FEW_ENTRIES, role="few-trainee", analyze=False, out=out
        )
        few = User.objects.get(email=FEW_EMAIL)
        # One hit for the search: a search that finds nothing renders less. The large
        # trainee's seeded titles repeat, so theirs finds about a hundred (a full page of
        # 20 rows): the two pages differ in rows shown as well as in entries behind them.
        first = LearningEntry.objects.filter(trainee=few).order_by("pk").first()
        LearningEntry.objects.filter(pk=first.pk).update(title=SEARCH_HIT_TITLE)
    return many, few


def ensure_badge_classes() -> None:
    """The demo badge classes, issued by the scale organisation to its trainees."""
    from accounts.models import Organisation
    from badges.demo import create_badge_classes
    from bench.seed_scale import ORGANISATION

    create_badge_classes(Organisation.objects.get(slug=ORGANISATION[0]))


def new_trainees(count: int, role: str) -> list:
    """Fresh trainees of the scale organisation with no entries, for the bench's own saves."""
    from accounts.models import User
    from bench.seed_scale import add_trainees

    ids = add_trainees(count, role=f"bench-{role}")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))
