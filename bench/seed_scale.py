"""Bulk benchmark data: many trainees with many entries each, written fast.

`seed_scale(trainees=…, entries_per_trainee=…)` creates that many trainees (with a supervisor
for every ten) in one organisation, enrolled in an F1 programme on the UK Foundation 2021
curriculum, each with that many entries mapped to its capabilities, some signed off. Running
it again adds more trainees. bench/run.py calls it to top its database up; on its own:

    python manage.py shell -c "from bench.seed_scale import seed_scale; \
        seed_scale(trainees=1000, entries_per_trainee=1000)"

This deliberately bypasses portfolio.services. A million log_entry calls would take hours
and write a million audit entries; benchmarks need realistic rows and indexes, not a
history. The rows are the same shape the services write, so pages read them as usual: no
audit-log entries, sign-off records or notifications are made for them. Development only;
use a scratch database.

On PostgreSQL the entries and everything hanging off them (curriculum mappings, tags,
sign-off requests) go in with COPY through psycopg 3 (bench/copying.py), the fastest way
in short of loading files on the server: `make bench` holds it to half the speed of a bare
COPY of the same rows. Elsewhere (SQLite in the tests) they go through bulk_create; both
paths write the same rows.
"""

import random
import sys
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, Supervision, User
from bench.copying import Rows, copy_instances, copy_rows, reserve_ids
from curriculum import services as curriculum_services
from curriculum.models import Enrolment, Framework, Programme
from portfolio import demo, services
from portfolio.models import EntryItem, Kind, LearningEntry, SignOffRequest, Source, Status, Tag

DOMAIN = "scale.waymark.example"
ORGANISATION = ("scale-test-trust", "Scale Test NHS Trust")
PROGRAMME = "Foundation Year 1 (scale test)"
TRAINEES_PER_SUPERVISOR = 10
# Spread each trainee's entries over this many days back from today.
SPAN_DAYS = 3 * 365

# (status, share): most entries are drafts, as in real portfolios.
STATUS_MIX = [
    (Status.DRAFT, 0.57),
    (Status.SIGNED_OFF, 0.33),
    (Status.SUBMITTED, 0.07),
    (Status.RETURNED, 0.03),
]
RETURN_COMMENT = "Please add what you learned and what you will do differently, then send it back."

FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran", "Jess",
    "Kwame", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Rhys", "Sophie", "Tom", "Zara",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Brown", "Chen", "Davies", "Evans", "Green", "Hussain", "Jones", "Khan", "Lewis",
    "Morgan", "Nguyen", "Okafor", "Patel", "Roberts", "Singh", "Taylor", "Walker", "Wilson",
    "Wright",
]  # fmt: skip
REFLECTION = (
    "I took part and noted what went well and what did not.",
    "A clearer approach to the first minutes of the problem.",
    "Use the checklist from the start, and ask for senior help earlier.",
)


class Refused(Exception):
    """seed_scale will not run here."""


def refuse_outside_development() -> None:
    if not settings.DEVELOPMENT:
        raise Refused(
            "seed_scale fills the database with made-up people and unaudited entries that "
            "share a published password, so it only runs in development mode (DJANGO_ENV "
            "unset or 'development'), against a scratch database."
        )


def add_trainees(count: int, *, role: str, seed: int = 1) -> list[int]:
    """`count` more trainees with no entries, in the scale organisation and programme, with
    a supervisor for every ten, as `scale-{role}-NNNNNNN@…`: people the bench gives entries of
    its own (through the services) without changing the trainees that pages are timed for.
    Returns their ids."""
    refuse_outside_development()
    seeder = ScaleSeeder(batch_size=5000, seed=seed, out=sys.stdout)
    with transaction.atomic():
        programme = seeder._programme()
        trainee_ids, _ = seeder._people(count, programme, role=role)
    return trainee_ids


def seed_scale(
    *,
    trainees: int,
    entries_per_trainee: int,
    batch_size: int = 5000,
    seed: int = 1,
    out=None,
    copy: bool | None = None,
    analyze: bool = True,
    role: str = "trainee",
) -> int:
    """Create `trainees` trainees with `entries_per_trainee` entries each, printing progress
    to `out` (standard output by default). Returns the number of entries created.

    `copy` chooses COPY (the default on PostgreSQL) or bulk_create for the entries; `analyze`
    vacuums and refreshes the planner's statistics at the end (the bench turns it off when it
    times the writes alone). `role` names the trainees (scale-{role}-NNNNNNN@…), so that the
    bench can keep trainees of its own apart from the rest."""
    refuse_outside_development()
    if trainees < 1 or entries_per_trainee < 0 or batch_size < 1:
        raise ValueError(
            "trainees and batch_size must be at least 1, entries_per_trainee 0 or more."
        )
    if copy is None:
        copy = connection.vendor == "postgresql"
    if copy and connection.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL.")
    seeder = ScaleSeeder(batch_size=batch_size, seed=seed, out=out or sys.stdout, copy=copy)
    return seeder.run(trainees, entries_per_trainee, analyze=analyze, role=role)


class ScaleSeeder:
    """One run of seed_scale: its random generator, batch size and where it reports."""

    def __init__(self, *, batch_size: int, seed: int, out, copy: bool = False):
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.out = out
        self.copy = copy

    def run(
        self, trainees: int, entries_per_trainee: int, *, analyze: bool = True, role="trainee"
    ) -> int:
        started = time.perf_counter()
        with transaction.atomic():
            programme = self._programme()
            trainee_ids, supervisor_of = self._people(trainees, programme, role)
        self._say(f"{len(trainee_ids):,} trainees and their supervisors", started)

        total = self._entries(trainee_ids, supervisor_of, entries_per_trainee, started)
        if analyze and connection.vendor == "postgresql":
            # Fresh statistics, so the planner sees the data as a long-running site would;
            # and vacuumed, so index-only scans need not visit the table for fresh rows and
            # autovacuum does not set about a million rows in the middle of a benchmark.
            # (VACUUM cannot run inside a transaction, as in the tests.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.out.write(
            f"Created {len(trainee_ids):,} trainees and {total:,} entries in "
            f"{time.perf_counter() - started:.1f} s. Every scale login's password is "
            f"{settings.DEMO_PASSWORD}.\n"
        )
        return total

    # --- Organisation, programme and people ----------------------------------------------------

    def _programme(self) -> Programme:
        curriculum_services.load_shipped_frameworks(actor=None)
        framework_slug, framework_version = demo.framework()
        framework = Framework.objects.get(slug=framework_slug, version=framework_version)
        slug, name = ORGANISATION
        self.organisation, _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": Organisation.Kind.NHS_TRUST}
        )
        programme = Programme.objects.filter(organisation=self.organisation, name=PROGRAMME).first()
        if programme is None:
            start = timezone.localdate() - timedelta(days=SPAN_DAYS)
            programme = curriculum_services.create_programme(
                actor=None,
                organisation=self.organisation,
                name=PROGRAMME,
                frameworks=[framework],
                start_date=start,
            )
            curriculum_services.require_level(
                actor=None,
                programme=programme,
                level="leaves",
                min_entries=1,
                signed_off_required=True,
            )
        self.item_ids = dict(framework.items.values_list("code", "pk"))
        return programme

    def _people(
        self, count: int, programme: Programme, role: str = "trainee"
    ) -> tuple[list[int], dict[int, int]]:
        supervisor_role = "supervisor" if role == "trainee" else f"{role}-supervisor"
        # Numbering carries on from earlier runs, so running again adds people.
        first = User.objects.filter(
            email__startswith=f"scale-{role}-", email__endswith=DOMAIN
        ).count()
        first_supervisor = User.objects.filter(
            email__startswith=f"scale-{supervisor_role}-", email__endswith=DOMAIN
        ).count()
        supervisors = -(-count // TRAINEES_PER_SUPERVISOR)
        # One hash for everyone: hashing a million passwords would take longer than the rest.
        password = make_password(settings.DEMO_PASSWORD)
        trainee_ids = self._users(role, range(first, first + count), password)
        supervisor_ids = self._users(
            supervisor_role, range(first_supervisor, first_supervisor + supervisors), password
        )
        Membership.objects.bulk_create(
            [
                Membership(user_id=pk, organisation=self.organisation, role=Role.TRAINEE)
                for pk in trainee_ids
            ]
            + [
                Membership(user_id=pk, organisation=self.organisation, role=Role.SUPERVISOR)
                for pk in supervisor_ids
            ],
            batch_size=self.batch_size,
        )
        supervisor_of = {
            pk: supervisor_ids[i // TRAINEES_PER_SUPERVISOR] for i, pk in enumerate(trainee_ids)
        }
        start = programme.start_date
        Supervision.objects.bulk_create(
            [
                Supervision(
                    supervisor_id=supervisor_of[pk],
                    trainee_id=pk,
                    organisation=self.organisation,
                    kind=Supervision.Kind.EDUCATIONAL,
                    start_date=start,
                )
                for pk in trainee_ids
            ],
            batch_size=self.batch_size,
        )
        Enrolment.objects.bulk_create(
            [Enrolment(programme=programme, trainee_id=pk, start_date=start) for pk in trainee_ids],
            batch_size=self.batch_size,
        )
        return trainee_ids, supervisor_of

    def _users(self, role: str, numbers: range, password: str) -> list[int]:
        users = [
            User(
                email=f"scale-{role}-{n:07d}@{DOMAIN}",
                full_name=f"Dr {self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                password=password,
            )
            for n in numbers
        ]
        users = User.objects.bulk_create(users, batch_size=self.batch_size)
        if all(user.pk for user in users):
            return [user.pk for user in users]
        # Databases that cannot return ids from a bulk insert: read them back.
        emails = [user.email for user in users]
        return list(
            User.objects.filter(email__in=emails).order_by("email").values_list("pk", flat=True)
        )

    # --- Entries ---------------------------------------------------------------------------------

    def _entries(self, trainee_ids, supervisor_of, per_trainee: int, started: float) -> int:
        templates = [sample for samples in demo.portfolios() for sample in samples]
        tags = {
            name: Tag.objects.get_or_create(name=name)[0].pk for t in templates for name in t.tags
        }
        statuses = [status for status, _ in STATUS_MIX]
        weights = [share for _, share in STATUS_MIX]
        today = timezone.localdate()
        total = len(trainee_ids) * per_trainee
        done, entries_started = 0, time.perf_counter()
        pending: list[tuple[dict, object]] = []
        for trainee_id in trainee_ids:
            for _ in range(per_trainee):
                template = self.rng.choice(templates)
                pending.append(
                    (self._entry(trainee_id, template, statuses, weights, today), template)
                )
                if len(pending) >= self.batch_size:
                    self._insert(pending, tags, supervisor_of)
                    done += len(pending)
                    pending = []
                    self._say(f"entries {done:,} of {total:,}", started, done, entries_started)
        if pending:
            self._insert(pending, tags, supervisor_of)
            done += len(pending)
            self._say(f"entries {done:,} of {total:,}", started, done, entries_started)
        return done

    def _entry(self, trainee_id, template, statuses, weights, today) -> dict:
        """One entry's fields, as plain values (what COPY sends; bulk_create gets a
        LearningEntry made of them)."""
        rng = self.rng
        reflective = bool(template.reflection) or rng.random() < 0.15
        what_happened, learned, next_time = (
            (template.reflection or REFLECTION) if reflective else ("", "", "")
        )
        from_xapi = template.kind == Kind.ELEARNING and rng.random() < 0.5
        return {
            "trainee_id": trainee_id,
            "kind": str(template.kind),
            "title": template.title,
            "date": today - timedelta(days=rng.randrange(SPAN_DAYS)),
            "time": template.starts,
            "duration_minutes": template.minutes,
            "cpd_credits": services.default_credits(template.minutes),
            "provider": template.provider,
            "location": template.location,
            "description": template.description,
            "reflection_what_happened": what_happened,
            "reflection_learned": learned,
            "reflection_next_time": next_time,
            "reflection_shared": reflective and rng.random() < 0.5,
            "status": str(rng.choices(statuses, weights)[0]),
            "source": str(Source.XAPI if from_xapi else Source.WEB),
            # Random, not from the seeded generator: a second run must not repeat an id.
            "external_id": f"urn:uuid:{uuid.uuid4()}" if from_xapi else "",
        }

    @transaction.atomic
    def _insert(self, pending, tags, supervisor_of) -> None:
        # One batch and its mappings commit together, so an interrupted run leaves no entry
        # without its curriculum items.
        values = [entry for entry, _ in pending]

        def tag_links():
            return [(e["id"], tags[name]) for e, template in pending for name in template.tags]

        if self.copy:
            # COPY sends no ids back: take them from the table's sequence first, as
            # bulk_create's RETURNING would have, so the links below can name the entries.
            for entry, pk in zip(values, reserve_ids(LearningEntry, len(values)), strict=True):
                entry["id"] = pk
            # The tag links go first: the database indexes an entry's words for search as the
            # entry arrives (migration portfolio 0010), tags included, and links added after
            # would have every entry indexed a second time. Foreign keys are checked when
            # the batch commits, so links may name entries a moment before they exist.
            self._link(LearningEntry.tags.through, ("learningentry", "tag"), tag_links())
            Rows(LearningEntry, values[0], with_pk=True).copy(values)
        else:
            entries = LearningEntry.objects.bulk_create(
                [LearningEntry(**entry) for entry in values], batch_size=self.batch_size
            )
            for entry, saved in zip(values, entries, strict=True):
                entry["id"] = saved.pk
        mappings, requests = [], []
        now = timezone.now()
        for entry, (_, template) in zip(values, pending, strict=True):
            mappings.extend(
                (entry["id"], self.item_ids[code], entry["trainee_id"]) for code in template.items
            )
            if entry["status"] in (Status.SUBMITTED, Status.RETURNED):
                returned = entry["status"] == Status.RETURNED
                requests.append(
                    SignOffRequest(
                        entry_id=entry["id"],
                        supervisor_id=supervisor_of[entry["trainee_id"]],
                        outcome=SignOffRequest.Outcome.RETURNED
                        if returned
                        else SignOffRequest.Outcome.OPEN,
                        decided_at=now if returned else None,
                        comment=RETURN_COMMENT if returned else "",
                        # Marked as notified, so the periodic sweep does not email made-up people.
                        request_notified_at=now,
                        decision_notified_at=now if returned else None,
                    )
                )
        self._link(EntryItem, ("entry", "item", "trainee"), mappings)
        if not self.copy:
            self._link(LearningEntry.tags.through, ("learningentry", "tag"), tag_links())
        if self.copy:
            copy_instances(SignOffRequest, requests)
        else:
            SignOffRequest.objects.bulk_create(requests, batch_size=self.batch_size)

    def _link(self, model, fields: tuple[str, ...], rows: list[tuple[int, ...]]) -> None:
        """Insert rows that are just ids. A million entries bring three to four million
        of them, and building a model instance for each costs more than the entries
        themselves; with COPY they go as bare rows of ids."""
        if not rows:
            return
        if not self.copy:
            model.objects.bulk_create(
                [
                    model(**{f"{name}_id": v for name, v in zip(fields, row, strict=True)})
                    for row in rows
                ],
                batch_size=self.batch_size,
            )
            return
        columns = [model._meta.get_field(name).column for name in fields]
        copy_rows(model._meta.db_table, columns, rows)

    def _say(self, what: str, started: float, rows: int = 0, rows_started: float = 0) -> None:
        # With DEBUG on, Django keeps the last 9,000 statements; ours are megabytes each.
        reset_queries()
        now = time.perf_counter()
        elapsed = now - started
        rate = f", {rows / (now - rows_started):,.0f} entries/s" if rows else ""
        self.out.write(f"[{elapsed:7.1f} s] {what}{rate}\n")
        self.out.flush()
