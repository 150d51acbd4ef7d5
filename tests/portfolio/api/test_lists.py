"""Lists of entries in the API: filters, search, what each caller sees, and a fixed query
budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio import selectors, services
from portfolio.models import Status
from tests.api.conftest import assert_error
from tests.factories import SupervisionFactory
from tests.portfolio.api.conftest import ENTRIES

pytestmark = pytest.mark.django_db


# --- Lists: filters, search, visibility, query budget ---------------------------------------------


@pytest.fixture
def filterable(log, make_entry, fpcs, trainee, supervisor, other_trainee):
    """A few of the trainee's entries that each filter tells apart."""
    return {
        "sepsis": log(
            title="Sepsis teaching", date="2026-10-01", tags=["sepsis"], items=[fpcs["FPC1"]]
        ),
        "clinic": log(kind="clinic", title="Fracture clinic", date="2026-10-15", tags=["ortho"]),
        "reading": make_entry(
            Status.SUBMITTED,
            kind="reading",
            title="NICE guideline on head injury",
            date="2026-11-20",
            items=[fpcs["FPC2"]],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"sepsis", "clinic", "reading"}),
        ("kind=clinic", {"clinic"}),
        ("status=submitted", {"reading"}),
        ("status=draft", {"sepsis", "clinic"}),
        ("date_from=2026-10-10", {"clinic", "reading"}),
        ("date_to=2026-10-15", {"sepsis", "clinic"}),
        ("date_from=2026-10-10&date_to=2026-10-31", {"clinic"}),
        ("tag=Sepsis", {"sepsis"}),
        ("item=FPC2", {"reading"}),
        ("q=fracture", {"clinic"}),
        ("q=guideline&kind=reading", {"reading"}),
        ("q=nothing-like-this", set()),
    ],
)
def test_filters_and_search(api_as, trainee, filterable, fpcs, query, expected):
    query = query.replace("FPC2", str(fpcs["FPC2"].pk))
    response = api_as(trainee).get(f"{ENTRIES}?{query}")

    assert response.status_code == 200, response.content
    titles = {entry["title"] for entry in response.json()["results"]}
    assert titles == {filterable[name].title for name in expected}


def test_filter_by_trainee_for_a_supervisor_of_two(
    api_as, people, make_entry, log, other_trainee, org_a
):
    supervisor = people["supervisor"]
    SupervisionFactory(supervisor=supervisor, trainee=other_trainee, organisation=org_a)
    mine = make_entry(Status.SUBMITTED, title="Trainee's entry")
    theirs, _ = services.log_entry(
        actor=other_trainee,
        trainee=other_trainee,
        kind="clinic",
        title="Other trainee's entry",
        date="2026-11-01",
    )
    services.submit_for_sign_off(entry=theirs, supervisor=supervisor, actor=other_trainee)
    client = api_as(supervisor)

    def ids(query):
        return {e["id"] for e in client.get(f"{ENTRIES}?{query}").json()["results"]}

    assert ids("") == {mine.pk, theirs.pk}
    assert ids(f"trainee={other_trainee.pk}") == {theirs.pk}
    assert ids(f"trainee={people['trainee'].pk}") == {mine.pk}
    assert ids(f"trainee={people['other_supervisor'].pk}") == set()


@pytest.mark.parametrize("query", ["kind=juggling", "date_from=yesterday", "trainee=me"])
def test_an_invalid_filter_is_a_400(api_as, trainee, query):
    error = assert_error(api_as(trainee).get(f"{ENTRIES}?{query}"), 400, "invalid")
    assert set(error["fields"]) == {query.split("=")[0]}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("trainee", {"draft", "submitted", "signed_off"}),
        ("supervisor", {"submitted", "signed_off"}),
        ("ended_supervisor", set()),
        ("other_supervisor", set()),
        ("other_trainee", set()),
        ("org_admin", set()),
    ],
)
def test_a_list_holds_only_what_the_caller_may_see(api_as, people, make_entry, persona, sees):
    entries = {
        state: make_entry(state, title=state) for state in ("draft", "submitted", "signed_off")
    }

    response = api_as(people[persona]).get(ENTRIES)

    assert response.status_code == 200
    assert {e["id"] for e in response.json()["results"]} == {entries[s].pk for s in sees}
    # The list's query (selectors.entries_listed_for) is shaped for paging; what it holds
    # is what each entry's own check (entries_visible_to) lets the caller see.
    visible = selectors.entries_visible_to(people[persona])
    assert set(visible.values_list("pk", flat=True)) == {entries[s].pk for s in sees}


def test_the_list_costs_the_same_queries_for_5_and_50_entries(
    api_as, enrolled_trainee, supervisor, fpcs, log
):
    client = api_as(enrolled_trainee)

    def add(count):
        for i in range(count):
            entry = log(title=f"Entry {i}", tags=["sepsis", f"t{i % 3}"], items=[fpcs["FPC1"]])
            services.add_link_evidence(entry=entry, actor=enrolled_trainee, url="https://e.org/a")
            if i % 2:
                services.submit_for_sign_off(
                    entry=entry, supervisor=supervisor, actor=enrolled_trainee
                )
                services.approve(entry=entry, actor=supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(ENTRIES)
        assert response.status_code == 200
        return len(captured), response.json()

    add(5)
    client.get(ENTRIES)  # the token's first use of the minute records it: not a list's cost
    few, body = queries()
    assert body["count"] == 5
    add(45)
    many, body = queries()
    assert body["count"] == 50 and len(body["results"]) == 50
    assert any(e["sign_off"] for e in body["results"]) and all(
        e["evidence"] for e in body["results"]
    )
    assert many == few, f"{few} queries for 5 entries, {many} for 50"


def test_pages_follow_each_other_newest_first_with_no_entry_twice(api_as, enrolled_trainee, log):
    """Pages are chosen by id first (EntryPages): page 2 goes on where page 1 stopped, in the
    list's order (newest first, the newest saved first among a day's), with every entry once."""
    from portfolio.models import LearningEntry

    for n in range(55):
        log(title=f"Entry {n}", date=f"2026-10-{n % 20 + 1:02d}")
    client = api_as(enrolled_trainee)

    first = client.get(ENTRIES).json()
    second = client.get(first["next"]).json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (55, 50, 5)
    assert second["next"] is None and second["previous"]
    listed = [e["id"] for e in first["results"] + second["results"]]
    newest_first = LearningEntry.objects.filter(trainee=enrolled_trainee).order_by("-date", "-pk")
    assert listed == list(newest_first.values_list("pk", flat=True))


def test_a_list_builds_its_nested_serializers_once_not_per_row(
    api_as, enrolled_trainee, supervisor, fpcs, log, monkeypatch
):
    """Building a serializer copies its fields and reads its model: per row, it cost more
    than representing the row."""
    from portfolio.api import entries as entry_serializers

    built = {"SignOffSerializer": 0, "SignOffRequestSerializer": 0}
    for name in built:
        cls = getattr(entry_serializers, name)
        original = cls.__init__

        def counting(self, *args, _name=name, _original=original, **kwargs):
            built[_name] += 1
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    for i in range(6):
        entry = log(title=f"Entry {i}", items=[fpcs["FPC1"]])
        services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
        services.approve(entry=entry, actor=supervisor)
    built.update(SignOffSerializer=0, SignOffRequestSerializer=0)

    body = api_as(enrolled_trainee).get(ENTRIES).json()

    assert len(body["results"]) == 6
    assert all(e["sign_off"]["supervisor"]["id"] == supervisor.pk for e in body["results"])
    assert all(e["latest_request"]["outcome"] == "approved" for e in body["results"])
    assert built == {"SignOffSerializer": 1, "SignOffRequestSerializer": 1}


def test_a_list_reads_related_rows_into_plain_lists(enrolled_trainee, fpcs, log):
    """Read by the entries' ids, one query per relation, into plain lists: no manager per
    entry and relation, and tags and item links as bare values, never as models."""
    from portfolio.api.entries import summarised
    from portfolio.models import LearningEntry

    log(title="Entry", tags=["sepsis", "audit"], items=[fpcs["FPC2"], fpcs["FPC1"]])
    log(title="Bare entry")
    with CaptureQueriesContext(connection) as queries:
        bare, entry = summarised(LearningEntry.objects.filter(trainee=enrolled_trainee))

    assert len(queries) == 1 + 6
    assert bare.trainee is entry.trainee
    assert getattr(entry, "_prefetched_objects_cache", {}) == {}
    assert entry.listed_tag_names == ["audit", "sepsis"]
    assert sorted(entry.listed_item_ids) == sorted([fpcs["FPC1"].pk, fpcs["FPC2"].pk])
    assert (bare.listed_tag_names, bare.listed_item_ids) == ([], [])
    for name in ("evidence", "sign_offs", "sign_off_requests"):
        assert getattr(entry, f"listed_{name}") == [] == getattr(bare, f"listed_{name}")


def test_a_list_writes_each_row_as_rest_framework_would(
    api_as, enrolled_trainee, supervisor, fpcs, log, monkeypatch
):
    """Rows are written by ManyRows (core.api_rows), which reads plain columns directly and
    the time zone once: the page must be the same JSON as REST framework's own writes."""
    from rest_framework import serializers

    from core.api_rows import ManyRows
    from portfolio.api.entries import (
        EntrySerializer,
        PersonSerializer,
        SignOffRequestSerializer,
        SignOffSerializer,
    )
    from portfolio.api.evidence import EvidenceSerializer

    # Equal output alone would hold without ManyRows; the list's rows must go through it.
    for serializer in (
        EntrySerializer,
        PersonSerializer,
        SignOffSerializer,
        SignOffRequestSerializer,
        EvidenceSerializer,
    ):
        assert issubclass(serializer, ManyRows), serializer

    signed = log(title="Signed", tags=["sepsis", "audit"], items=[fpcs["FPC1"], fpcs["FPC2"]])
    services.add_link_evidence(
        entry=signed, actor=enrolled_trainee, url="https://example.org/notes", title="Notes"
    )
    services.submit_for_sign_off(entry=signed, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=signed, actor=supervisor, comment="Well reflected.")
    waiting = log(title="Waiting", date="2026-07-01", time="09:30")
    services.submit_for_sign_off(entry=waiting, supervisor=supervisor, actor=enrolled_trainee)
    log(title="Draft", duration_minutes=90)
    client = api_as(enrolled_trainee)

    written = client.get(ENTRIES).json()
    monkeypatch.setattr(ManyRows, "to_representation", serializers.Serializer.to_representation)
    by_rest_framework = client.get(ENTRIES).json()

    assert written == by_rest_framework
    rows = {e["title"]: e for e in written["results"]}
    assert rows.keys() == {"Signed", "Waiting", "Draft"}
    assert rows["Signed"]["sign_off"]["comment"] == "Well reflected."
    assert rows["Signed"]["evidence"][0]["url"] == "https://example.org/notes"
    assert rows["Signed"]["tags"] == ["audit", "sepsis"]
    assert rows["Waiting"]["latest_request"]["outcome"] == "open"
    assert rows["Draft"]["sign_off"] is None
