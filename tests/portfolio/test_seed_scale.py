"""seed_scale: bulk benchmark data, fast, additive, unaudited, development only."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import Membership, Supervision, User
from audit.models import AuditEntry
from bench.seed_scale import Refused, seed_scale
from curriculum.models import Enrolment
from portfolio.models import (
    EntryItem,
    EntrySearch,
    LearningEntry,
    SignOff,
    SignOffRequest,
    Status,
)

pytestmark = pytest.mark.django_db


def scale_trainees():
    return User.objects.filter(email__startswith="scale-trainee-")


def test_seed_scale_gives_each_trainee_mapped_entries_and_a_supervisor():
    seed_scale(trainees=3, entries_per_trainee=40, batch_size=25)
    trainees = scale_trainees()
    assert trainees.count() == 3
    assert all(t.learning_entries.count() == 40 for t in trainees)
    assert Supervision.objects.active().filter(trainee__in=trainees).count() == 3
    assert Enrolment.objects.filter(trainee__in=trainees).count() == 3
    assert Membership.objects.filter(user__in=trainees, role="trainee").count() == 3
    entries = LearningEntry.objects.all()
    assert all(1 <= e.mappings.count() <= 3 for e in entries)
    assert {m.item.framework.slug for m in EntryItem.objects.select_related("item__framework")} == {
        "uk-foundation"
    }
    assert entries.filter(status=Status.SIGNED_OFF).exists()
    # Every submitted entry has its open request, as the services would have made.
    assert (
        SignOffRequest.objects.filter(outcome="open").count()
        == entries.filter(status=Status.SUBMITTED).count()
    )


def test_seed_scale_writes_no_audit_and_verify_audit_still_passes(capsys):
    seed_scale(trainees=2, entries_per_trainee=30)
    # Only the programme it sets up goes through the services (as the system), and so is
    # logged; the people and entries are not.
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "create_programme",
        "require_level",
    }
    assert not SignOff.objects.exists()
    call_command("verify_audit")
    assert "the chains are intact" in capsys.readouterr().out


def test_running_seed_scale_again_adds_trainees():
    assert seed_scale(trainees=2, entries_per_trainee=10) == 20
    seed_scale(trainees=3, entries_per_trainee=10)
    assert scale_trainees().count() == 5
    assert LearningEntry.objects.count() == 50


def test_scale_trainee_can_read_their_pages(client):
    seed_scale(trainees=1, entries_per_trainee=45)
    client.force_login(scale_trainees().get())
    assert "45 entries" in client.get(reverse("portfolio:entry_list")).content.decode()
    assert (
        "Foundation Year 1 (scale test)"
        in client.get(reverse("portfolio:dashboard")).content.decode()
    )


def test_seed_scale_refuses_outside_development(settings):
    settings.DEVELOPMENT = False
    with pytest.raises(Refused, match="only runs in development mode"):
        seed_scale(trainees=1, entries_per_trainee=1)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "sizes",
    [
        {"trainees": 0, "entries_per_trainee": 1},
        {"trainees": 1, "entries_per_trainee": -1},
        {"trainees": 1, "entries_per_trainee": 1, "batch_size": 0},
    ],
)
def test_seed_scale_refuses_sizes_that_make_no_sense(sizes):
    with pytest.raises(ValueError, match="at least 1"):
        seed_scale(**sizes)
    assert not User.objects.exists()


def portfolios(role: str) -> list:
    """Everything seed_scale wrote for the trainees of one role that does not depend on
    ids or the clock, trainee by trainee and entry by entry."""
    trainees = User.objects.filter(email__startswith=f"scale-{role}-").order_by("email")
    return [
        (
            trainee.full_name,
            [
                (
                    entry.kind,
                    entry.title,
                    entry.date,
                    entry.time,
                    entry.duration_minutes,
                    entry.cpd_credits,
                    entry.provider,
                    entry.location,
                    entry.description,
                    entry.reflection_what_happened,
                    entry.reflection_learned,
                    entry.reflection_next_time,
                    entry.reflection_shared,
                    entry.status,
                    entry.source,
                    bool(entry.external_id),
                    entry.created_at is not None and entry.updated_at is not None,
                    sorted(m.item.code for m in entry.mappings.all()),
                    sorted(t.name for t in entry.tags.all()),
                    [
                        (r.outcome, r.comment, r.supervisor.full_name)
                        for r in entry.sign_off_requests.all()
                    ],
                )
                for entry in trainee.learning_entries.order_by("pk")
            ],
        )
        for trainee in trainees
    ]


@pytest.mark.needs_postgresql
def test_seed_scale_with_copy_writes_the_rows_bulk_create_writes():
    seed_scale(trainees=2, entries_per_trainee=40, batch_size=25, copy=False, role="bulk")
    seed_scale(trainees=2, entries_per_trainee=40, batch_size=25, copy=True, role="copy")
    written = portfolios("copy")
    assert written == portfolios("bulk")
    assert sum(len(entries) for _, entries in written) == 80
    # The links name the entries COPY wrote: ids came from the table's own sequence.
    assert EntryItem.objects.filter(entry__trainee__email__startswith="scale-copy-").count() > 80
    # Search finds the same words, tags included, though COPY sends an entry's tag links
    # before the entry itself.
    assert search_words("copy") == search_words("bulk")
    assert any("safeguard" in words for words in search_words("copy"))


def search_words(role: str) -> list[str]:
    found = EntrySearch.objects.filter(trainee__email__startswith=f"scale-{role}-")
    return [
        str(words)
        for words in found.order_by("trainee__email", "entry").values_list("shared", flat=True)
    ]


def test_seed_scale_refuses_copy_without_postgresql(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(ValueError, match="COPY needs PostgreSQL"):
        seed_scale(trainees=1, entries_per_trainee=1, copy=True)
    assert not User.objects.exists()
