"""On PostgreSQL the database keeps each entry's search words itself (portfolio.EntrySearch),
whichever way the entry or its tags were written, and a search reads only the matches of
the people it may show."""

import pytest
from django.db import connection

from portfolio import selectors, services
from portfolio.models import EntrySearch, LearningEntry

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgresql]


def found(user, text, queryset=None):
    queryset = queryset if queryset is not None else selectors.entries_visible_to(user)
    return set(selectors.search(queryset, text, user=user).values_list("title", flat=True))


def test_words_are_indexed_when_an_entry_is_logged_edited_and_tagged(log, enrolled_trainee):
    entry = log(title="Ultrasound guided cannulation", tags=["vascular access"])
    assert found(enrolled_trainee, "vascular cannulation") == {entry.title}

    services.update_entry(entry=entry, actor=enrolled_trainee, title="Arterial line insertion")
    assert found(enrolled_trainee, "cannulation") == set()
    assert found(enrolled_trainee, "arterial vascular") == {"Arterial line insertion"}


def test_entries_written_in_bulk_are_indexed_too(enrolled_trainee):
    LearningEntry.objects.bulk_create(
        LearningEntry(trainee=enrolled_trainee, kind="reading", title=f"NICE sepsis {n}",
                      date="2026-10-01")
        for n in range(3)
    )  # fmt: skip
    assert EntrySearch.objects.filter(trainee=enrolled_trainee).count() == 3
    assert len(found(enrolled_trainee, "sepsis")) == 3


def test_a_deleted_entry_leaves_no_words_behind(log, enrolled_trainee):
    entry = log(title="Delirium teaching")
    services.delete_entry(entry=entry, actor=enrolled_trainee)
    assert not EntrySearch.objects.filter(entry_id=entry.pk).exists()


def test_reflections_are_found_by_their_owner_only(log, enrolled_trainee, supervisor):
    entry = log(title="Night shift handover", reflection_learned="escalate hyperkalaemia early")
    services.update_entry(entry=entry, actor=enrolled_trainee, reflection_shared=True)
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)

    assert found(enrolled_trainee, "hyperkalaemia") == {entry.title}
    assert found(supervisor, "hyperkalaemia") == set()
    assert found(supervisor, "handover") == {entry.title}


def test_a_trainees_search_is_planned_through_their_own_rows(log, enrolled_trainee):
    log(title="Sepsis six")
    query = selectors.search(
        selectors.entries_visible_to(enrolled_trainee), "sepsis", user=enrolled_trainee
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    shown = query.explain()
    assert "Seq Scan on portfolio_entrysearch" not in shown
    assert "Seq Scan on portfolio_learningentry" not in shown
    # The stored vectors are what is matched, through an index of their own table.
    assert "on portfolio_entrysearch" in shown and "entry_search_" in shown
