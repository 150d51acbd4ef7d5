"""`make bench`: Waymark's speed targets at scale, each as a ratio to a floor measured in the
same run, marked PASS or MISS; exits 1 when any target is missed.

Ratios travel between machines and survive a busy CPU far better than milliseconds; the
absolute figures are printed too, for context. The parts (each module's docstring says how
it measures):

- pages      bench/pages.py     pages against a signed-in no-op view, for a trainee with
                                2,000 entries and one with 10, at BENCH_SMALL_ROWS (200,000)
                                and BENCH_ROWS (1,000,000) entries in the table; web memory
- writes     bench/writes.py    saving an entry against a single-row INSERT; 8 concurrent
                                writers against 1; seed_scale against a bare COPY
- pipeline   bench/pipeline.py  saves and evaluations through real Celery workers against
                                no-op tasks; bursts, two workers, awards checked; worker memory
- awards     bench/awards.py    awarding and evaluation with 1,000 and 1,000,000 awards
- pdf        bench/pdf.py       a 500-entry PDF export, request to stored file, against
                                WeasyPrint alone on the same HTML; its peak memory

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/waymark_bench, created
if missing; the 200k database beside it is named with _200k appended), REDIS_URL (default
redis://127.0.0.1:6379/5), BENCH_ONLY=pages,writes (a comma-separated choice of parts, for
development; all by default), and the sizes each module reads (BENCH_ROWS, BENCH_ITERATIONS …).
"""

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402
from bench.targets import Result, missed, number, table  # noqa: E402

PARTS = ("pages", "writes", "pipeline", "awards", "pdf")
WEB_MEMORY_REQUESTS = 5000
WEB_MEMORY_TOLERANCE = 1.10


def chosen_parts() -> list[str]:
    only = [p.strip() for p in os.environ.get("BENCH_ONLY", "").split(",") if p.strip()]
    unknown = set(only) - set(PARTS)
    if unknown:
        raise SystemExit(f"BENCH_ONLY: unknown part(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(PARTS)}.")  # fmt: skip
    return only or list(PARTS)


def main() -> int:
    started = time.perf_counter()
    url = os.environ.get("DATABASE_URL") or data.DEFAULT_DATABASE_URL
    parts = chosen_parts()
    data.setup_django(url)
    print_context(url, parts)

    results: list[Result] = []
    seeded = data.ensure_entries(data.ROWS)
    data.ensure_badge_classes()
    data.settle()
    if seeded:
        print(f"Seeded to {data.ROWS:,} entries in {seeded:.0f} s.")
    if "pages" in parts:
        results += pages(url)
    if "writes" in parts:
        from bench import writes

        section("Writes")
        results += writes.run([t.pk for t in data.new_trainees(1 + writes.WRITERS, "writer")])
    if "pipeline" in parts:
        from bench import pipeline

        section("Award pipeline")
        results += pipeline.run(data.new_trainees)
    if "awards" in parts:
        from bench import awards

        section("Awards table")
        results += awards.run(data.new_trainees)
    if "pdf" in parts:
        # Last: it runs tasks in this process from then on (see bench/pdf.py).
        from bench import pdf

        section("PDF export")
        results += pdf.run(data.new_trainees)

    section(f"Summary ({', '.join(parts)}; {time.perf_counter() - started:.0f} s)")
    print(table(results))
    failures = missed(results)
    judged = [r for r in results if r.judged]
    print()
    print(f"{len(judged) - len(failures)} of {len(judged)} targets met; {len(failures)} missed.")
    return 1 if failures else 0


def section(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def print_context(url: str, parts: list[str]) -> None:
    import django
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
    section("Machine")
    print(version)
    print(f"shared_buffers {shared_buffers}; {os.cpu_count()} cores; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}, "
          f"Django {django.get_version()}")  # fmt: skip
    small = data.database_name(data.sized_database_url(url, data.SMALL_ROWS))
    print(f"Database {data.database_name(url)} ({data.ROWS:,} entries); {small} "
          f"({data.SMALL_ROWS:,}); broker {settings.REDIS_URL or 'none'}; "
          f"parts: {', '.join(parts)}")  # fmt: skip


# --- Pages -------------------------------------------------------------------------------------


def pages(url: str) -> list[Result]:
    from bench.pages import ACCOUNT, FLOOR, TARGET_PAGES

    section("Pages")
    runs = {}
    for rows in (data.SMALL_ROWS, data.ROWS):
        print(f"Measuring pages at {rows:,} entries …", flush=True)
        runs[rows] = pages_process(url, rows, memory=rows == data.SMALL_ROWS)
    big, small = runs[data.ROWS], runs[data.SMALL_ROWS]
    print_pages(runs)

    results = []
    floor = big["pages"]["many"][FLOOR]["median"]
    many = big["pages"]["many"]
    label = f"{big['trainee_entries']['many']:,} entries"
    results.append(Result("pages", "signed-in no-op view (floor)", floor))
    results.append(Result("pages", f"{ACCOUNT}, {label}", many[ACCOUNT]["median"], floor))
    for page in TARGET_PAGES:
        results += [
            Result("pages", f"{page}, {label}, median", many[page]["median"], floor, at_most=5),
            Result("pages", f"{page}, {label}, p95", many[page]["p95"], floor, at_most=8),
        ]
    few_entries = big["trainee_entries"]["few"]
    for page in TARGET_PAGES:
        results.append(
            Result(
                "flat",
                f"{page}: {label} / {few_entries} entries",
                many[page]["median"],
                big["pages"]["few"][page]["median"],
                at_most=1.3,
            )
        )
    for who in ("many", "few"):
        entries = big["trainee_entries"][who]
        for page in TARGET_PAGES:
            results.append(
                Result(
                    "flat",
                    f"{page}, {entries:,} entries: {rows_label(big['entries_in_database'])} / "
                    f"{rows_label(small['entries_in_database'])} rows",
                    ratio_to_floor(big, who, page),
                    ratio_to_floor(small, who, page),
                    unit="× floor",
                    at_most=1.3,
                )
            )
    for page in TARGET_PAGES:
        counts = {
            f"{run['trainee_entries'][who]:,} entries at {rows_label(run['entries_in_database'])}":
            run["pages"][who][page]["queries"]
            for run in (big, small)
            for who in ("many", "few")
        }  # fmt: skip
        results.append(
            Result(
                "queries",
                f"{page}: most / fewest",
                max(counts.values()),
                min(counts.values()),
                unit="queries",
                at_most=1,
                note=", ".join(f"{n} for {where}" for where, n in counts.items()),
            )
        )
    memory = small.get("memory")
    if memory:
        results.append(
            Result(
                "pages",
                f"web memory over {memory['requests']:,} requests",
                memory["after_kib"] / 1024,
                memory["before_kib"] / 1024,
                unit="MiB",
                at_most=WEB_MEMORY_TOLERANCE,
                note="Resident memory of the bench's web process (Django's test client, "
                f"{small['database']}, round the {small['trainee_entries']['few']}-entry "
                "trainee's pages) after and before, after a warm-up of a tenth as many "
                f"requests; flat means within {WEB_MEMORY_TOLERANCE - 1:.0%}.",
            )
        )
    return results


def ratio_to_floor(run: dict, who: str, page: str) -> float:
    from bench.pages import FLOOR

    return run["pages"][who][page]["median"] / run["pages"][who][FLOOR]["median"]


def rows_label(rows: int) -> str:
    """1M, 200k: the table's size as measured, to two figures."""
    if rows >= 1_000_000:
        return f"{rows / 1_000_000:.2g}M"
    return f"{float(f'{rows / 1000:.2g}'):g}k"


def pages_process(url: str, rows: int, *, memory: bool) -> dict:
    """Measure the pages at one size, in a process of its own on that size's database."""
    env = dict(
        os.environ,
        DATABASE_URL=data.sized_database_url(url, rows),
        BENCH_PAGES_ROWS=str(rows),
        BENCH_WEB_MEMORY=os.environ.get("BENCH_WEB_MEMORY", str(WEB_MEMORY_REQUESTS))
        if memory
        else "0",
    )
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "bench.pages", out.name], cwd=ROOT, env=env, check=False
        )
        if done.returncode:
            raise SystemExit(f"Measuring the pages at {rows:,} entries failed.")
        return json.loads(Path(out.name).read_text())


def print_pages(runs: dict) -> None:
    from bench.pages import FLOOR

    for run in runs.values():
        seconds = run["seeded_seconds"]
        seeded = f"; seeded this run in {seconds:.0f} s" if seconds else ""
        print(f"\n{run['database']}: {run['entries_in_database']:,} entries{seeded}.")
        print(f"Median and p95 of {run['iterations']} requests after {run['warmup']} warm-up.")
        header = f"{'page':26}"
        for who in ("many", "few"):
            header += f"{run['trainee_entries'][who]:>7,} entries: ms   p95  ×floor  q"
        print(header)
        for page in run["pages"]["many"]:
            line = f"{page:26}"
            for who in ("many", "few"):
                m = run["pages"][who][page]
                ratio = m["median"] / run["pages"][who][FLOOR]["median"]
                line += (f"{number(m['median']):>17}{number(m['p95']):>6}{number(ratio):>8}"
                         f"{m['queries']:>3}")  # fmt: skip
            print(line)


if __name__ == "__main__":
    sys.exit(main())
