"""The shape of the queries that must stay flat however big the tables grow: each reads the
trainee's own rows through an index, never a scan of everyone's. With sequential scans
switched off, PostgreSQL still plans a scan when no index can bound the query by trainee, so
an EXPLAIN without one proves the shape, on a test database of any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import selectors
from portfolio.coverage import evidence_counts

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgresql]


def plan(query) -> str:
    """The plan of a queryset, or of SQL a test captured, with sequential scans off."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            if isinstance(query, str):
                cursor.execute("EXPLAIN " + query)
                return "\n".join(row[0] for row in cursor.fetchall())
            return query.explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def test_the_entries_a_trainee_sees_are_read_through_the_trainee_index(log, enrolled_trainee):
    log()
    shown = plan(selectors.entries_visible_to(enrolled_trainee).order_by("-date", "-pk")[:50])
    assert "Seq Scan on portfolio_learningentry" not in shown
    assert "trainee_id" in shown


def test_a_supervisors_view_is_read_through_the_trainee_index(log, supervisor):
    log()
    shown = plan(selectors.entries_visible_to(supervisor).order_by("-date", "-pk")[:50])
    assert "Seq Scan on portfolio_learningentry" not in shown


def test_evidence_counts_read_the_trainees_item_links_without_joining_their_entries(
    log, enrolled_trainee, fpcs
):
    """The links are counted from the trainee's item-link index alone; the signed-off
    entries are read once from the entries' trainee index, never joined to every link."""
    log(items=[fpcs["FPC1"], fpcs["FPC2"]])
    item_ids = [item.pk for item in fpcs.values()]
    with CaptureQueriesContext(connection) as queries:
        counts = evidence_counts(enrolled_trainee, item_ids)
    (sql,) = [query["sql"] for query in queries.captured_queries]
    assert "JOIN" not in sql
    assert "DISTINCT" not in sql
    shown = plan(sql)
    assert "Seq Scan" not in shown
    # Index-only, index or bitmap scan: the planner chooses by the table's size and state.
    assert "entry_item_by_trainee" in shown
    assert counts[fpcs["FPC1"].pk] == (1, 0)
