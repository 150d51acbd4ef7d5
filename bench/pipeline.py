"""The award pipeline through real Celery workers on REDIS_URL: save, publish, evaluate.

Every figure here is work per second, with the clock stopped only when the work is really
done (see work_done): the broker's queue is empty, no task is held unacknowledged by a
worker, and no evaluation is still pending in the database; a worker's own word (inspect:
nothing active, nothing reserved) confirms it before the time counts.

- Floor: no-op tasks per second, published from this process, through one worker.
- A burst of BURST saves for one trainee, and one across BURST_TRAINEES trainees, made
  through portfolio.services.log_entry while one worker runs: saves per second from the
  first save until the work is done, as ratios to the floor. Afterwards the awards are
  checked: none twice, and none that a fresh evaluation (badges.selectors.assess) would
  still make.
- Worker scaling: the same burst across fresh trainees, saved while the workers are told
  not to consume (so the backlog is the same for both), then drained by one worker and by
  two; saves per second of draining. This measures the workers, not the one process that
  saves.
- Worker memory: the resident memory of one worker before and after WORKER_EVALUATIONS
  evaluations (after a warm-up of a tenth as many).

Workers run with the solo pool: one process each, so "two workers" is two processes and the
worker's memory is that process's.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.measure import env_int, rss_kib
from bench.targets import Result

ROOT = Path(__file__).resolve().parent.parent
PART = "pipeline"
NOOP_TASKS = env_int("BENCH_NOOP_TASKS", 2000)
BURST = env_int("BENCH_BURST", 500)
BURST_TRAINEES = env_int("BENCH_BURST_TRAINEES", 100)
WORKER_EVALUATIONS = env_int("BENCH_WORKER_EVALUATIONS", 10_000)
MEMORY_TOLERANCE = 1.10  # resident memory may grow by a tenth and still count as flat
POLL_SECONDS = 0.01
# kombu's Redis transport keeps each priority band of a queue in a list of its own.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
UNACKED_KEY = "unacked"


# --- Is the work done? -----------------------------------------------------------------------


def queue_keys(queues) -> list[str]:
    return [
        key for q in queues for key in (q, *(f"{q}{PRIORITY_SEPARATOR}{p}" for p in PRIORITY_STEPS))
    ]


def work_done(broker, queues, pending: int) -> bool:
    """Nothing waits in the broker's queues, no delivered task waits for its
    acknowledgement (tasks are acknowledged late, after they ran), and no evaluation is
    pending in the database. `broker` is a Redis client."""
    if pending:
        return False
    if any(broker.llen(key) for key in queue_keys(queues)):
        return False
    return not broker.hlen(UNACKED_KEY)


def wait_until_done(broker, queues, pending, confirm, timeout: float = 1800) -> float:
    """The perf_counter time at which the work was done. Between a worker taking a message
    off the queue and recording it as unacknowledged there is a moment when it is in
    neither, so the state must hold on two looks in a row, and then the workers must
    confirm that they hold nothing; otherwise the clock runs on."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if work_done(broker, queues, pending()):
            at = time.perf_counter()
            time.sleep(POLL_SECONDS)
            if work_done(broker, queues, pending()) and confirm():
                return at
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"The workers did not finish within {timeout:.0f} s.")


# --- Workers ---------------------------------------------------------------------------------


class Workers:
    """Celery worker processes on the bench's app, started and stopped by the bench."""

    def __init__(self, count: int, label: str):
        from config.celery import app

        self.app = app
        self.names = [f"bench-{label}-{n}@{os.uname().nodename}" for n in range(count)]
        # Closed in stop(): they outlive this method.
        self.logs = [
            tempfile.NamedTemporaryFile(prefix="bench-worker-", suffix=".log", delete=False)  # noqa: SIM115
            for _ in self.names
        ]
        self.processes = [
            subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "bench.worker",
                    "worker",
                    "--pool=solo",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    name,
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
            for name, log in zip(self.names, self.logs, strict=True)
        ]
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            replies = self.app.control.ping(destination=self.names, timeout=1)
            if len(replies) == len(self.names):
                return
            for process in self.processes:
                if process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"A worker exited at start:\n{self.log_tail()}")
        self.stop()
        raise SystemExit(f"The workers did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return "\n".join(Path(log.name).read_text()[-2000:] for log in self.logs)

    def idle(self) -> bool:
        """Each worker says it runs nothing and holds nothing reserved."""
        inspect = self.app.control.inspect(destination=self.names, timeout=2, limit=len(self.names))
        for held in (inspect.active(), inspect.reserved()):
            if held is None or len(held) < len(self.names) or any(held.values()):
                return False
        return True

    def pause(self, queue: str) -> None:
        replies = self.app.control.cancel_consumer(queue, destination=self.names, reply=True)
        if len(replies) < len(self.names):
            raise SystemExit("Not every worker stopped consuming.")

    def resume(self, queue: str) -> None:
        replies = self.app.control.add_consumer(queue, destination=self.names, reply=True)
        if len(replies) < len(self.names):
            raise SystemExit("Not every worker started consuming again.")

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
            Path(log.name).unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- The saves ---------------------------------------------------------------------------------


def entry_for(n: int, item) -> dict:
    """Saves that earn the demo badges along the way: journal clubs (some hosted), curriculum
    e-learning, teaching delivered (some as organiser)."""
    kind = n % 3
    if kind == 0:
        tags = ["host"] if n % 6 == 0 else []
        return {"kind": "social_media", "title": f"Journal club {n}", "tags": tags}
    if kind == 1:
        return {"kind": "elearning", "title": f"E-learning module {n}", "items": [item]}
    tags = ["organiser"] if n % 6 == 2 else []
    return {"kind": "teaching_delivered", "title": f"Peer teaching {n}", "tags": tags}


def save_burst(trainees, saves: int) -> None:
    from curriculum.models import Item
    from portfolio import services

    item = Item.objects.get(framework__slug="uk-foundation", framework__version="2021", code="FPC1")
    for n in range(saves):
        trainee = trainees[n % len(trainees)]
        services.log_entry(
            actor=trainee, date=date(2026, 1, 1), duration_minutes=30, **entry_for(n, item)
        )


class Pipeline:
    """One measuring session against the broker: the Redis client, the queue, and the
    pending evaluations of the trainees in play."""

    def __init__(self):
        import redis
        from django.conf import settings

        from config.celery import app

        self.app = app
        self.broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        self.queue = app.conf.task_default_queue
        self.trainee_ids: list[int] = []

    def pending(self) -> int:
        from badges.models import PendingEvaluation

        if not self.trainee_ids:
            return 0
        return PendingEvaluation.objects.filter(trainee_id__in=self.trainee_ids).count()

    def clear(self) -> None:
        self.app.control.purge()
        self.broker.delete(UNACKED_KEY, "unacked_index")

    def done_at(self, workers: Workers) -> float:
        return wait_until_done(self.broker, [self.queue], self.pending, workers.idle)

    def noop_rate(self, workers: Workers) -> float:
        from bench.worker import noop

        self.trainee_ids = []
        started = time.perf_counter()
        for _ in range(NOOP_TASKS):
            noop.delay()
        return NOOP_TASKS / (self.done_at(workers) - started)

    def live_burst(self, workers: Workers, trainees) -> tuple[float, str]:
        """Saves per second, and a note of where the time went."""
        self.trainee_ids = [t.pk for t in trainees]
        started = time.perf_counter()
        save_burst(trainees, BURST)
        saved = time.perf_counter()
        done = self.done_at(workers)
        note = (
            f"the saves took {saved - started:.1f} s, the work was done "
            f"{done - saved:.1f} s after the last save"
        )
        return BURST / (done - started), note

    def drained_burst(self, workers: Workers, trainees) -> float:
        self.trainee_ids = [t.pk for t in trainees]
        workers.pause(self.queue)
        save_burst(trainees, BURST)
        started = time.perf_counter()
        workers.resume(self.queue)
        return BURST / (self.done_at(workers) - started)

    def evaluations(self, workers: Workers, trainees, count: int) -> None:
        from badges.tasks import evaluate_trainee

        self.trainee_ids = [t.pk for t in trainees]
        for n in range(count):
            evaluate_trainee.delay(trainees[n % len(trainees)].pk)
        self.done_at(workers)


def award_check(trainees) -> tuple[int, int, int]:
    """(awarded twice, missed, awards) for these trainees: two awards of one badge class to
    one trainee, and badges a fresh evaluation would award now."""
    from django.db.models import Count

    from badges.models import Award
    from badges.selectors import assess

    awards = Award.objects.filter(recipient__in=trainees)
    twice = (
        awards.values("badge_class", "recipient").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    missed = sum(1 for t in trainees for _, result in assess(trainee=t) if result.met)
    return twice, missed, awards.count()


def check_results(label: str, trainees) -> list[Result]:
    twice, missed, awards = award_check(trainees)
    note = f"{awards} awards to {len(trainees)} trainee(s), checked against a fresh evaluation."
    return [
        Result(PART, f"{label}: awarded twice", twice, unit="awards", at_most=0),
        Result(PART, f"{label}: missed", missed, unit="awards", at_most=0, note=note),
    ]


def run(new_trainees) -> list[Result]:
    """`new_trainees(count, role)` makes fresh trainees of the scale organisation with no
    entries, so every burst starts from nothing awarded."""
    from django.conf import settings

    if not settings.REDIS_URL:
        raise SystemExit("The pipeline part needs REDIS_URL.")
    pipeline = Pipeline()
    pipeline.clear()
    one = new_trainees(1, "burst-one")
    many = new_trainees(BURST_TRAINEES, "burst-many")
    drained_one = new_trainees(BURST_TRAINEES, "drain-one")
    drained_two = new_trainees(BURST_TRAINEES, "drain-two")
    results = []
    with Workers(1, "one") as workers:
        floor = pipeline.noop_rate(workers)
        results.append(Result(PART, "no-op tasks, 1 worker (floor)", floor, unit="tasks/s"))
        burst_one, one_note = pipeline.live_burst(workers, one)
        burst_many, many_note = pipeline.live_burst(workers, many)
        drained_1 = pipeline.drained_burst(workers, drained_one)
        results += [
            Result(
                PART,
                f"burst of {BURST} saves, 1 trainee",
                burst_one,
                floor,
                unit="saves/s",
                at_least=0.5,
                note=f"From the first save until the work is done; one process saves: {one_note}.",
            ),
            Result(
                PART,
                f"burst of {BURST} saves, {BURST_TRAINEES} trainees",
                burst_many,
                floor,
                unit="saves/s",
                at_least=0.25,
                note=f"{many_note}.",
            ),
            *check_results("1-trainee burst", one),
            *check_results(f"{BURST_TRAINEES}-trainee burst", many),
        ]
        memory = worker_memory(pipeline, workers, many)
    with Workers(2, "two") as workers:
        drained_2 = pipeline.drained_burst(workers, drained_two)
    results += [
        Result(PART, f"1 worker drains {BURST} saves' backlog", drained_1, unit="saves/s"),
        Result(
            PART,
            f"2 workers drain {BURST} saves' backlog",
            drained_2,
            drained_1,
            unit="saves/s",
            at_least=1.7,
            note=(
                f"Saves for {BURST_TRAINEES} trainees made while the workers did not consume, "
                f"then drained; {os.cpu_count()} cores for the workers and PostgreSQL."
            ),
        ),
        *check_results("drained bursts", drained_one + drained_two),
        memory,
    ]
    pipeline.clear()
    return results


def worker_memory(pipeline: Pipeline, workers: Workers, trainees) -> Result:
    (pid,) = workers.pids
    pipeline.evaluations(workers, trainees, max(1, WORKER_EVALUATIONS // 10))
    before = rss_kib(pid)
    pipeline.evaluations(workers, trainees, WORKER_EVALUATIONS)
    after = rss_kib(pid)
    return Result(
        PART,
        f"worker memory over {WORKER_EVALUATIONS:,} evaluations",
        after / 1024,
        before / 1024,
        unit="MiB",
        at_most=MEMORY_TOLERANCE,
        note="Resident memory of the worker process after and before (after a warm-up of "
        f"{max(1, WORKER_EVALUATIONS // 10):,}); flat means within "
        f"{MEMORY_TOLERANCE - 1:.0%}.",
    )
