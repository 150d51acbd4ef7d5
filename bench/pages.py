"""Pages at scale: server time and queries of each page against a signed-in no-op view.

Run by bench/run.py once per table size, each time in a process of its own on that size's
database (`python -m bench.pages RESULTS.json`, DATABASE_URL and BENCH_PAGES_ROWS set), so
both sizes are measured alike. It times, for a trainee with ENTRIES entries and one with
FEW_ENTRIES, every page of the speed targets with Django's test client in process (no
network, no web server: the server's own time), going round all pages and both trainees in
turn so that load from elsewhere on the machine falls on all of them alike. The API is
called as other systems call it, with a personal access token.

With BENCH_WEB_MEMORY set it then makes that many more requests round the 10-entry
trainee's pages and reports the process's resident memory before and after (after a
warm-up of a tenth as many): a web process serving requests must not grow.
"""

import json
import math
import os
import sys

from bench import data
from bench.measure import env_int, interleaved, rss_kib

ITERATIONS = env_int("BENCH_ITERATIONS", 60)
WARMUP = env_int("BENCH_WARMUP", 5)
PAGE_SIZE = 20  # the entries list's
FLOOR = "floor (no-op view)"
ACCOUNT = "account page"
# The pages the targets name, in the order they are printed.
TARGET_PAGES = [
    "dashboard",
    "entries list",
    "entries list, last page",
    "search",
    "coverage",
    "API events, 50 per page",
    "badges page",
]


def paths(trainee) -> dict[str, str]:
    from django.urls import reverse

    from bench.seed_scale import PROGRAMME
    from bench.urls import FLOOR_PATH
    from curriculum.models import Programme
    from portfolio.models import LearningEntry

    entries = LearningEntry.objects.filter(trainee=trainee).count()
    entry_list = reverse("portfolio:entry_list")
    return {
        FLOOR: FLOOR_PATH,
        ACCOUNT: reverse("accounts:account"),
        "dashboard": reverse("portfolio:dashboard"),
        "entries list": entry_list,
        # Where an index or OFFSET problem shows first.
        "entries list, last page": f"{entry_list}?page={max(1, math.ceil(entries / PAGE_SIZE))}",
        "search": f"{entry_list}?q={data.SEARCH_TERM}",
        "coverage": reverse(
            "portfolio:coverage",
            args=[trainee.pk, Programme.objects.get(name=PROGRAMME).pk],
        ),
        "API events, 50 per page": "/api/v1/events/",
        "badges page": reverse("badges:my_badges"),
    }


def api_token(trainee) -> str:
    """A fresh personal access token for the trainee; the bench's earlier ones are revoked,
    so the account page does not list more of them run after run."""
    from datetime import timedelta

    from accounts.models import PersonalAccessToken
    from accounts.services import people

    for old in PersonalAccessToken.objects.filter(user=trainee, name="bench"):
        people.revoke_personal_access_token(token=old, actor=trainee)
    _, secret = people.create_personal_access_token(
        user=trainee, name="bench", expires_in=timedelta(days=1), actor=trainee
    )
    return secret


def client_for(trainee):
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(trainee)}")
    client.force_login(trainee)
    return client


def request(client, path: str):
    if path.startswith("/api/"):
        # Token only, as another system calls the API: no session cookie with it.
        cookies, client.cookies = client.cookies, type(client.cookies)()
        try:
            response = client.get(path)
        finally:
            client.cookies = cookies
    else:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, not 200.")
    return response


def count_queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request(client, path)
    return len(queries.captured_queries)


def measure(rows: int, out=sys.stderr) -> dict:
    from django.db import connection

    seeded = data.ensure_entries(rows, out=out)
    data.ensure_badge_classes()
    many, few = data.page_trainees(out=out)
    data.settle()
    trainees = {"many": many, "few": few}
    clients = {label: client_for(t) for label, t in trainees.items()}
    targets = {label: paths(t) for label, t in trainees.items()}
    subjects = {
        (label, page): (lambda c=clients[label], p=path: request(c, p))
        for label in trainees
        for page, path in targets[label].items()
    }
    samples = interleaved(subjects, ITERATIONS, WARMUP)
    pages = {
        label: {
            page: {
                "median": samples[(label, page)].median,
                "p95": samples[(label, page)].p95,
                "queries": count_queries(clients[label], targets[label][page]),
                "path": targets[label][page],
            }
            for page in targets[label]
        }
        for label in trainees
    }
    from portfolio.models import LearningEntry

    result = {
        "rows": rows,
        "database": connection.settings_dict["NAME"],
        "entries_in_database": data.total_entries(),
        "seeded_seconds": seeded,
        "trainee_entries": {
            label: LearningEntry.objects.filter(trainee=t).count() for label, t in trainees.items()
        },
        "iterations": ITERATIONS,
        "warmup": WARMUP,
        "pages": pages,
    }
    memory_requests = env_int("BENCH_WEB_MEMORY", 0)
    if memory_requests:
        # Round the 10-entry trainee's pages: memory growth is the process's, whatever the
        # data, and these pages let 5,000 requests finish in minutes.
        few_pages = {key: fn for key, fn in subjects.items() if key[0] == "few"}
        result["memory"] = web_memory(few_pages, memory_requests)
    return result


def web_memory(subjects: dict, requests: int) -> dict:
    """Resident memory of this process over `requests` requests round the pages, after a
    warm-up of a tenth as many (caches, lazily imported code and the allocator's arenas
    settle in the first few hundred)."""
    import gc

    calls = list(subjects.values())
    for n in range(max(1, requests // 10)):
        calls[n % len(calls)]()
    gc.collect()
    before = rss_kib()
    for n in range(requests):
        calls[n % len(calls)]()
    gc.collect()
    return {"requests": requests, "before_kib": before, "after_kib": rss_kib()}


def main() -> None:
    rows = int(os.environ["BENCH_PAGES_ROWS"])
    data.setup_django(os.environ["DATABASE_URL"], out=sys.stderr)
    result = measure(rows)
    with open(sys.argv[1], "w") as results:
        json.dump(result, results)


if __name__ == "__main__":
    main()
