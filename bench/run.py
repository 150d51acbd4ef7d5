"""How the dashboard and the entries list hold up at scale.

For a trainee with BENCH_ENTRIES entries, in a database of BENCH_TRAINEES × BENCH_ENTRIES
entries (seeded with seed_scale when it has fewer), prints each page's median server time
and query count as ratios against a floor: the account page, which does a fixed, small
amount of work whatever the data (session, user, roles, the user's API tokens). Ratios
travel between machines and survive a busy CPU far better than milliseconds; the absolute
medians are printed too, for context.

Run it with `make bench`, or `DATABASE_URL=postgres://… python bench/run.py`.
Environment: BENCH_TRAINEES (500), BENCH_ENTRIES (2000), BENCH_ITERATIONS (30),
BENCH_WARMUP (5). Times are measured in process with Django's test client: no network and
no web server, so they are the server's own time for each request.
"""

import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Measured as production runs: no debug pages, no query log kept on the connection.
os.environ.setdefault("DEBUG", "false")
# WhiteNoise warns that collectstatic has not been run; static files play no part here.
warnings.filterwarnings("ignore", "No directory at", UserWarning)


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


TRAINEES = env_int("BENCH_TRAINEES", 500)
ENTRIES = env_int("BENCH_ENTRIES", 2000)
ITERATIONS = env_int("BENCH_ITERATIONS", 30)
WARMUP = env_int("BENCH_WARMUP", 5)


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "bench/run.py seeds up to a million entries, so it needs DATABASE_URL to name a "
            "scratch PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/waymark_bench "
            "(make bench uses that one by default)."
        )
    import django

    django.setup()

    from django.db import connection
    from django.urls import reverse

    trainee = ensure_data()
    last_page = math.ceil(ENTRIES / 20)
    pages = [
        ("account page (floor)", reverse("accounts:account")),
        ("dashboard", reverse("portfolio:dashboard")),
        ("entries list", reverse("portfolio:entry_list")),
        # Where an index or OFFSET problem would show first.
        ("entries list, last page", f"{reverse('portfolio:entry_list')}?page={last_page}"),
        ("entries list, search", f"{reverse('portfolio:entry_list')}?q=sepsis"),
    ]
    results = measure(trainee, pages)

    floor_ms, floor_queries = results[0][1], results[0][3]
    print()
    database = connection.settings_dict["NAME"]
    print(f"{connection.vendor} {server_version(connection)}, database {database}")
    print(f"Trainee {trainee.email}: {ENTRIES:,} entries, of {total_entries():,} in the database.")
    print(f"Floor: GET {pages[0][1]} (account page: session, user, roles, API tokens).")
    print(
        f"Median of {ITERATIONS} requests after {WARMUP} warm-up, Django test client, in process."
    )
    print()
    columns = ("× floor time", "× floor queries", "median ms", "p90 ms", "queries")
    print(f"{'page':28}" + "".join(f"{c:>17}" for c in columns))
    for name, median, p90, queries in results:
        cells = (
            f"{median / floor_ms:.1f}",
            f"{queries / floor_queries:.1f}",
            f"{median:.1f}",
            f"{p90:.1f}",
            f"{queries}",
        )
        print(f"{name:28}" + "".join(f"{c:>17}" for c in cells))

    print()
    print("Award evaluation: deciding every rule-based badge class of the organisation")
    few, many = award_trainees(trainee)
    for name, median, queries in measure_awards([("1 entry", few), (f"{ENTRIES:,} entries", many)]):
        ratios = f"{median / floor_ms:>17.1f}{queries / floor_queries:>17.1f}"
        print(f"{name:28}{ratios}{median:>17.1f}{'':>17}{queries:>17}")
    print()
    rate = worker_throughput(colleague(trainee, "bench-worker@scale.waymark.example", entries=0))
    if rate is None:
        print("Entries per second through a real worker: skipped (REDIS_URL is not set).")
    else:
        print(
            f"Entries per second through a real Celery worker (save, publish, evaluate): {rate:.1f}"
        )


def award_trainees(trainee):
    """The demo badge classes for the scale organisation, the trainee with ENTRIES entries,
    and a colleague with exactly one entry."""
    from accounts.models import Membership
    from badges.demo import create_badge_classes

    create_badge_classes(Membership.objects.filter(user=trainee).first().organisation)
    return colleague(trainee, "bench-one-entry@scale.waymark.example", entries=1), trainee


def colleague(trainee, email: str, *, entries: int):
    """A trainee of the same organisation with exactly `entries` journal-club entries."""
    from accounts.models import Membership, Role, User
    from portfolio.models import LearningEntry

    organisation = Membership.objects.filter(user=trainee).first().organisation
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": email.split("@")[0]}
    )
    if created:
        Membership.objects.create(user=user, organisation=organisation, role=Role.TRAINEE)
        LearningEntry.objects.bulk_create(
            LearningEntry(
                trainee=user, kind="social_media", title="Journal club", date="2026-10-01"
            )
            for _ in range(entries)
        )
    return user


def measure_awards(trainees):
    """badges.selectors.assess for each trainee: the read side of evaluation, which decides
    every badge class the trainee does not hold. (Awarding then costs a few writes per badge
    newly earned, whatever the history.) The two trainees hold no badges here, so both
    decide the same classes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from badges.models import Award
    from badges.selectors import assess

    Award.objects.filter(recipient__in=[t for _, t in trainees]).delete()

    def once(trainee):
        assess(trainee=trainee)

    results = []
    for name, trainee in trainees:
        for _ in range(WARMUP):
            once(trainee)
        samples = []
        for _ in range(ITERATIONS):
            started = time.perf_counter()
            once(trainee)
            samples.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            once(trainee)
        results.append((name, statistics.median(samples), len(queries.captured_queries)))
    return results


def worker_throughput(trainee, count: int = 200) -> float | None:
    """Save `count` entries through the portfolio service, each publishing an evaluation to
    Redis, with one real worker process taking them; entries per second until the last
    evaluation is done. The entries are deleted again afterwards."""
    import subprocess

    from django.conf import settings

    from badges.models import PendingEvaluation
    from config.celery import app
    from portfolio import services
    from portfolio.models import LearningEntry

    if not settings.REDIS_URL:
        return None
    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-n", "bench@%h"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = time.perf_counter()
        for n in range(count):
            services.log_entry(
                actor=trainee,
                trainee=trainee,
                kind="elearning",
                title=f"Bench module {n}",
                date="2026-10-02",
            )
        while PendingEvaluation.objects.filter(trainee=trainee).exists():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        LearningEntry.objects.filter(trainee=trainee, title__startswith="Bench module").delete()
    return count / elapsed


def ensure_data():
    """Seed until the database holds TRAINEES × ENTRIES entries, then return a trainee who
    has exactly ENTRIES of them."""
    from django.db.models import Count

    from accounts.models import User
    from bench.seed_scale import seed_scale

    target, have = TRAINEES * ENTRIES, total_entries()
    if have < target:
        missing = math.ceil((target - have) / ENTRIES)
        print(
            f"The database has {have:,} of {target:,} entries: seeding {missing:,} × {ENTRIES:,}."
        )
        seed_scale(trainees=missing, entries_per_trainee=ENTRIES)
    candidates = (
        User.objects.filter(email__startswith="scale-trainee-")
        .annotate(entries=Count("learning_entries"))
        .filter(entries=ENTRIES)
        .order_by("pk")
    )
    trainee = candidates.first()
    if trainee is None:
        print(f"No trainee has exactly {ENTRIES:,} entries yet: seeding one.")
        seed_scale(trainees=1, entries_per_trainee=ENTRIES)
        trainee = candidates.first()
    return trainee


def total_entries() -> int:
    from portfolio.models import LearningEntry

    return LearningEntry.objects.count()


def measure(trainee, pages):
    """Requests go round the pages in turn, so a burst of load from elsewhere on the machine
    falls on every page alike instead of on whichever was being measured at the time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(trainee)
    for _ in range(WARMUP):
        for _, path in pages:
            get(client, path)
    times = {path: [] for _, path in pages}
    for _ in range(ITERATIONS):
        for _, path in pages:
            started = time.perf_counter()
            get(client, path)
            times[path].append((time.perf_counter() - started) * 1000)
    results = []
    for name, path in pages:
        with CaptureQueriesContext(connection) as queries:
            get(client, path)
        samples = sorted(times[path])
        p90 = samples[min(len(samples) - 1, math.ceil(0.9 * len(samples)) - 1)]
        results.append((name, statistics.median(samples), p90, len(queries.captured_queries)))
    return results


def get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, not 200.")
    return response


def server_version(connection) -> str:
    if connection.vendor == "postgresql":
        number = connection.pg_version
        return f"{number // 10000}.{number % 10000}"
    return ""


if __name__ == "__main__":
    main()
