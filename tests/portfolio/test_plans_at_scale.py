"""At scale, a page reads the rows of the people it shows, never everyone's.

Forty trainees with 250 entries each (bench.seed_scale: item links, tags, sign-off requests
and search words as a real site has them) fill the tables around a newcomer with ten
entries, and the planner's statistics are fresh. No planner setting is changed: each page's
queries are run under EXPLAIN ANALYZE as PostgreSQL itself chose to run them, and must read
no more entry rows than the people the page is about have. 10,000 entries keep the
statistics exact (ANALYZE samples up to 30,000 rows, so here it reads them all) and so the
plans the same on every run.

This is what the issue measured at 200,000 entries: the dashboard's coverage counts and the
API's list scanned every trainee's rows, however few the reader's own."""

import io
import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from bench.seed_scale import seed_scale
from curriculum.models import Enrolment
from portfolio.coverage import evidence_counts
from portfolio.models import EntryItem, LearningEntry, Status

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgresql]

TRAINEES, ENTRIES = 40, 250
# The tables that grow with everyone's entries.
ENTRY_TABLES = {
    "portfolio_learningentry",
    "portfolio_entryitem",
    "portfolio_entrysearch",
    "portfolio_learningentry_tags",
}


@dataclass
class Scan:
    table: str
    node: str
    index: str | None
    rows_read: int  # rows the node read: returned, plus any its filter dropped


def scans(plan: dict):
    if plan.get("Relation Name"):
        loops = plan.get("Actual Loops", 1)
        dropped = plan.get("Rows Removed by Filter", 0) + plan.get(
            "Rows Removed by Index Recheck", 0
        )
        yield Scan(
            plan["Relation Name"],
            plan["Node Type"],
            plan.get("Index Name"),
            (plan.get("Actual Rows", 0) + dropped) * loops,
        )
    for child in plan.get("Plans", []):
        yield from scans(child)


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        shown = cursor.fetchone()[0]
    return (json.loads(shown) if isinstance(shown, str) else shown)[0]["Plan"]


def planned(client, user, url) -> list[tuple[str, dict]]:
    """Each query the page sends as `user`, with the plan PostgreSQL ran it by."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        (q["sql"], explain(q["sql"])) for q in queries.captured_queries if q["sql"][:6] == "SELECT"
    ]


def entry_rows_read(plans) -> dict[str, int]:
    """Rows of each growing table read by the worst of the page's queries."""
    worst: dict[str, int] = {}
    for _, plan in plans:
        read: dict[str, int] = {}
        for scan in scans(plan):
            if scan.table in ENTRY_TABLES:
                read[scan.table] = read.get(scan.table, 0) + scan.rows_read
        for table, rows in read.items():
            worst[table] = max(worst.get(table, 0), rows)
    return worst


def seq_scans(plans) -> list[str]:
    return [
        f"{scan.table} in: {sql[:200]}"
        for sql, plan in plans
        for scan in scans(plan)
        if scan.node == "Seq Scan" and scan.table in ENTRY_TABLES
    ]


@pytest.fixture
def site():
    seed_scale(trainees=TRAINEES, entries_per_trainee=ENTRIES, out=io.StringIO())
    # Seeded last, so ANALYZE (which seed_scale runs) sees everyone's rows.
    seed_scale(trainees=1, entries_per_trainee=10, out=io.StringIO(), role="newcomer")
    newcomer = User.objects.get(email__startswith="scale-newcomer-0")
    # Supervises ten trainees of 250 entries each.
    supervisor = User.objects.get(email__startswith="scale-supervisor-0000000")
    assert LearningEntry.objects.count() == TRAINEES * ENTRIES + 10
    return newcomer, supervisor


def own_pages(trainee):
    programme = Enrolment.objects.get(trainee=trainee).programme_id
    return [
        reverse("portfolio:dashboard"),
        reverse("portfolio:coverage", args=[trainee.pk, programme]),
        reverse("portfolio:entry_list"),
        reverse("portfolio:entry_list") + "?q=teaching",
        "/api/v1/events/",
        "/api/v1/events/?q=teaching",
        f"/api/v1/programmes/{programme}/coverage/",
    ]


def test_a_newcomers_pages_read_only_their_own_entries(client, site):
    newcomer, _ = site
    for url in own_pages(newcomer):
        plans = planned(client, newcomer, url)
        assert seq_scans(plans) == [], url
        read = entry_rows_read(plans)
        # Ten entries, up to three items and a few tags each: tens of rows, where a scan of
        # anyone else's would read thousands.
        assert all(rows <= 60 for rows in read.values()), (url, read)


def test_a_supervisors_list_reads_their_supervisees_entries_only(client, site):
    _, supervisor = site
    supervised = LearningEntry.objects.filter(
        trainee__supervisions_received__supervisor=supervisor
    ).count()
    assert supervised == 10 * ENTRIES
    for url in ("/api/v1/events/", "/api/v1/events/?q=teaching", reverse("portfolio:dashboard")):
        plans = planned(client, supervisor, url)
        assert seq_scans(plans) == [], url
        read = entry_rows_read(plans).get("portfolio_learningentry", 0)
        # Their rows (or index entries), then the page's own again in full.
        assert read <= supervised + 50, (url, read)


def test_coverage_counts_are_read_through_the_trainees_item_link_index(site):
    newcomer, _ = site
    item_ids = list(EntryItem.objects.values_list("item_id", flat=True).distinct())
    with CaptureQueriesContext(connection) as queries:
        counts = evidence_counts(newcomer, item_ids)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    links = [s for s in scans(explain(sql)) if s.table == "portfolio_entryitem"]
    assert [s.index for s in links] == ["entry_item_by_trainee"]
    assert links[0].rows_read == EntryItem.objects.filter(trainee=newcomer).count()
    assert sum(mapped for mapped, _ in counts.values()) == links[0].rows_read


def indexes(plans) -> set[str]:
    return {node["Index Name"] for _, plan in plans for node in nodes(plan) if "Index Name" in node}


def test_search_matches_stored_words_through_their_indexes(client, site):
    """Search reads the words the database stored for each entry (portfolio.EntrySearch),
    never building them from the entries as it goes, and finds them through the indexes
    that lead with the trainee: over ten supervisees' 2,500 entries, the GIN index on
    (trainee, shared words); over a trainee's own, the trainee index."""
    newcomer, supervisor = site
    trainee = User.objects.get(email__startswith="scale-trainee-0000000")
    for user, index in (
        (supervisor, "entry_search_shared"),
        (trainee, "entry_search_by_trainee"),
        (newcomer, "entry_search_by_trainee"),
    ):
        plans = planned(client, user, "/api/v1/events/?q=sepsis+guidelines")
        assert not [sql for sql, _ in plans if "to_tsvector" in sql]
        assert seq_scans(plans) == []
        assert index in indexes(plans), user


def paged_query(plans) -> dict:
    (paged,) = [
        plan
        for sql, plan in plans
        if sql.startswith('SELECT "portfolio_learningentry"."id"') and " LIMIT " in sql
    ]
    return paged


def test_the_entries_list_is_read_in_order_from_the_trainee_date_index(client, site):
    """The first page (newest first) takes its ids from the (trainee, date, id) index in
    order, stopping after 20, instead of sorting all the trainee's rows; only those 20 are
    then read in full (portfolio.paging), and only they are sorted again."""
    trainee = User.objects.get(email__startswith="scale-trainee-0000000")
    paged = paged_query(planned(client, trainee, reverse("portfolio:entry_list")))
    (limit,) = [n for n in nodes(paged) if n["Node Type"] == "Limit"]
    assert not [n for n in nodes(limit) if n["Node Type"] in ("Sort", "Incremental Sort")]
    assert [(s.index, s.rows_read) for s in scans(limit)] == [("event_trainee_date", 20)]
    assert all(n["Actual Rows"] <= 20 for n in nodes(paged) if "Sort" in n["Node Type"])
    # 20 from the index, then those 20 by their primary key.
    assert entry_rows_read([("", paged)])["portfolio_learningentry"] == 2 * 20


# Committed, so that seeding ends with VACUUM (it cannot run inside a transaction) and the
# index's visibility map is set, as autovacuum leaves a live table.
@pytest.mark.django_db(transaction=True)
def test_the_api_list_is_read_in_order_from_the_trainee_date_index(client, site):
    """The API's first page of 50: a trainee who supervises nobody is named in its query
    (selectors.entries_listed_for), so its ids come from the (trainee, date, id) index
    alone, in order, stopping after 50. Behind a subquery of people, the planner could not
    know there was one, and read and sorted every one of the trainee's rows."""
    trainee = User.objects.get(email__startswith="scale-trainee-0000000")
    paged = paged_query(planned(client, trainee, "/api/v1/events/"))
    (limit,) = [n for n in nodes(paged) if n["Node Type"] == "Limit"]
    assert not [n for n in nodes(limit) if n["Node Type"] in ("Sort", "Incremental Sort")]
    assert [(s.index, s.node, s.rows_read) for s in scans(limit)] == [
        ("event_trainee_date", "Index Only Scan", 50)
    ]


def test_the_last_page_reads_the_trainees_rows_only(client, site):
    """The last page (13, of 250 entries) needs every row before it: PostgreSQL reads the
    trainee's rows or their index entries (and sorts them, as cheap as reading them in order
    when all are read), never anyone else's, then the page's own rows in full."""
    trainee = User.objects.get(email__startswith="scale-trainee-0000000")
    plans = planned(client, trainee, f"{reverse('portfolio:entry_list')}?page=13")
    assert seq_scans(plans) == []
    assert entry_rows_read([("", paged_query(plans))])["portfolio_learningentry"] == ENTRIES + 10


# Committed, so that seeding ends with VACUUM: an index-only scan needs the visibility map.
@pytest.mark.django_db(transaction=True)
def test_coverage_reads_the_signed_off_entries_from_the_status_index_alone(site):
    """Which of a trainee's linked entries are signed off comes from the (trainee, status,
    id) index alone, and only the signed-off ones are read: not every entry of the trainee
    from the table, as the (trainee, status) index made the planner do."""
    trainee = User.objects.get(email__startswith="scale-trainee-0000000")
    item_ids = list(EntryItem.objects.values_list("item_id", flat=True).distinct())
    with CaptureQueriesContext(connection) as queries:
        evidence_counts(trainee, item_ids)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    entries = [s for s in scans(explain(sql)) if s.table == "portfolio_learningentry"]
    signed_off = LearningEntry.objects.filter(trainee=trainee, status=Status.SIGNED_OFF).count()
    assert signed_off
    assert [(s.index, s.node, s.rows_read) for s in entries] == [
        ("event_trainee_status", "Index Only Scan", signed_off)
    ]


def btree_indexes(table: str) -> list[tuple[str, list[str], bool]]:
    """(name, columns with their operator classes, unique) of each plain btree index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, i.indisunique,
                   array(SELECT a.attname || ':' || opc.opcname
                         FROM unnest(i.indkey, i.indclass) WITH ORDINALITY AS k(attnum, cls, n)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         JOIN pg_opclass opc ON opc.oid = k.cls
                         ORDER BY k.n)
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am am ON am.oid = c.relam
            WHERE i.indrelid = %s::regclass AND am.amname = 'btree'
              AND i.indpred IS NULL AND i.indexprs IS NULL
            """,
            [table],
        )
        return [(name, columns, unique) for name, unique, columns in cursor.fetchall()]


@pytest.mark.parametrize("table", ["portfolio_entryitem", "portfolio_entrysearch"])
def test_no_index_of_the_entry_link_tables_repeats_the_start_of_another(table):
    """Every item link and every entry's search words write every index of these tables,
    and each is read by one trainee or a page's entries at a time, which the wider index
    serves as well: an index that only repeats the start of another is only a cost (a
    unique one still enforces something, and stays). The entries table keeps its trainee
    index: for a supervisor's OR of people, the narrow index is the cheaper read."""
    found = btree_indexes(table)
    redundant = [
        (name, wider)
        for name, columns, unique in found
        for wider, other, _ in found
        if name != wider and not unique and other[: len(columns)] == columns
    ]
    assert len(found) >= 2
    assert redundant == []
