"""Awarding and award evaluation with few and with many awards already in the table.

The awards table is loaded with LOAD_FEW (1,000) awards, then with LOAD_MANY (1,000,000),
written with COPY: a separate issuer's badge classes (no rules, so no one's evaluation
decides them) awarded to a thousand made-up recipients, the shape of a platform that has
issued a million assertions. At each size, for one trainee of the scale organisation who
has earned some of the demo badges, it times, in turn:

- evaluation: badges.services.awarding.evaluate_awards, which decides every rule-based
  badge class (badges.selectors.assess), awards what is met and records progress;
- awarding: badges.services.awarding.award_badge of one badge class.

Each call runs in a transaction that is rolled back, so every call finds the table as the
last did and awards afresh. The load is rebuilt at the start of every run (deleted, the
table's indexes rebuilt, COPY again), so "few" really is a small table.
"""

import time
from datetime import date

from bench.copying import Rows
from bench.measure import env_int, interleaved
from bench.targets import Result

PART = "awards"
LOAD_FEW = env_int("BENCH_AWARDS_FEW", 1_000)
LOAD_MANY = env_int("BENCH_AWARDS_MANY", 1_000_000)
LOAD_CLASSES = 1000
LOAD_ORGANISATION = ("bench-award-load", "Award Load Test Issuer")
ITERATIONS = env_int("BENCH_AWARD_ITERATIONS", 60)


class Rollback(Exception):
    pass


def rolled_back(fn):
    from django.db import transaction

    def call():
        try:
            with transaction.atomic():
                fn()
                raise Rollback
        except Rollback:
            pass

    return call


def load_issuer():
    """The load's issuer, its badge classes and its recipients (made once, kept)."""
    from accounts.models import Organisation, User
    from badges.models import BadgeClass, Issuer

    slug, name = LOAD_ORGANISATION
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": Organisation.Kind.OTHER}
    )
    issuer, _ = Issuer.objects.get_or_create(
        organisation=organisation,
        defaults={
            "name": name,
            "url": "https://award-load.example/",
            "email": "a@award-load.example",
        },
    )
    have = BadgeClass.objects.filter(issuer=issuer).count()
    BadgeClass.objects.bulk_create(
        BadgeClass(
            issuer=issuer,
            slug=f"award-load-{n:04d}",
            name=f"Load badge {n}",
            description="A badge of the award load.",
            criteria="None: made up for the award-table benchmark.",
        )
        for n in range(have, LOAD_CLASSES)
    )
    have = User.objects.filter(email__startswith="award-load-").count()
    User.objects.bulk_create(
        User(email=f"award-load-{n:04d}@award-load.example", full_name=f"Recipient {n}")
        for n in range(have, LOAD_CLASSES)
    )
    classes = list(BadgeClass.objects.filter(issuer=issuer).order_by("pk"))
    recipients = list(User.objects.filter(email__startswith="award-load-").order_by("pk"))
    return classes, recipients


def load_awards(classes, recipients, total: int, *, start: int = 0) -> None:
    """COPY awards number start … total-1 of the load: recipient by recipient, a badge
    class each, so no pair is awarded twice."""
    from django.db import connection

    from badges.models import Award

    def awards():
        for n in range(start, total):
            recipient = recipients[n // len(classes)]
            yield {
                "badge_class_id": classes[n % len(classes)].pk,
                "recipient_id": recipient.pk,
                "recipient_email": recipient.email,
                "narrative": "Made up for the award-table benchmark.",
            }

    Rows(Award, ["badge_class_id", "recipient_id", "recipient_email", "narrative"]).copy(awards())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE badges_award")


def reset_load(classes) -> None:
    from django.db import connection

    from badges.models import Award

    Award.objects.filter(badge_class__in=classes).delete()
    with connection.cursor() as cursor:
        # A table emptied by DELETE keeps its indexes' size; rebuilt, they are as small as
        # a table that never held the load.
        cursor.execute("VACUUM ANALYZE badges_award")
        cursor.execute("REINDEX TABLE badges_award")


def subject_trainee(new_trainees):
    """A trainee who has earned four demo badges and holds none: evaluation decides every
    class and awards four each time."""
    from portfolio import services

    (trainee,) = new_trainees(1, "awards")
    for n, kind in enumerate(["social_media"] * 5 + ["elearning", "teaching_delivered"]):
        services.log_entry(
            actor=trainee,
            kind=kind,
            title=f"Award bench entry {n}",
            date=date(2026, 1, 1),
            duration_minutes=30,
        )
    return trainee


def measure(trainee, badge_class) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from badges.services import awarding

    subjects = {
        "evaluation": rolled_back(lambda: awarding.evaluate_awards(trainee=trainee)),
        "awarding": rolled_back(
            lambda: awarding.award_badge(badge_class=badge_class, recipient=trainee)
        ),
    }
    samples = interleaved(subjects, ITERATIONS, warmup=5)
    counts = {}
    for name, fn in subjects.items():
        with CaptureQueriesContext(connection) as queries:
            fn()
        counts[name] = len(queries.captured_queries) - 3  # savepoint, rollback to, release
    return {name: (s.median, counts[name]) for name, s in samples.items()}


def run(new_trainees) -> list[Result]:
    from badges.models import Award, BadgeClass, PendingEvaluation

    trainee = subject_trainee(new_trainees)
    PendingEvaluation.objects.filter(trainee=trainee).delete()  # no worker takes it here
    badge_class = BadgeClass.objects.get(slug="peer-teacher")
    classes, recipients = load_issuer()
    reset_load(classes)
    load_awards(classes, recipients, LOAD_FEW)
    few_total = Award.objects.count()
    few = measure(trainee, badge_class)
    started = time.perf_counter()
    load_awards(classes, recipients, LOAD_MANY, start=LOAD_FEW)
    loading = time.perf_counter() - started
    many_total = Award.objects.count()
    many = measure(trainee, badge_class)
    results = []
    for name in ("evaluation", "awarding"):
        results += [
            Result(PART, f"{name}, {few_total:,} awards in the table (floor)", few[name][0]),
            Result(
                PART,
                f"{name}, {many_total:,} awards in the table",
                many[name][0],
                few[name][0],
                at_most=1.3,
                note=f"queries {few[name][1]} and {many[name][1]}",
            ),
        ]
    from config.celery import app

    app.control.purge()  # the subject's saves published evaluations no worker was there for
    results[-1].note += f"; {LOAD_MANY - LOAD_FEW:,} awards loaded with COPY in {loading:.1f} s."
    return results
