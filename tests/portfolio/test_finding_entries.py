"""Finding one's entries: by curriculum item (an item includes the items under it), and by
search (every word must match, in any of the fields searched)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio import services
from tests.factories import EnrolmentFactory, ProgrammeFactory, framework_with_tree
from tests.portfolio.api import conftest as api_fixtures
from tests.portfolio.api.conftest import ENTRIES

pytestmark = pytest.mark.django_db

# The API tests' token clients.
make_token = api_fixtures.make_token
clean_cache = api_fixtures.clean_cache
api_as = api_fixtures.api_as


def page_titles(client, **query) -> set[str]:
    response = client.get(reverse("portfolio:entry_list"), query)
    assert response.status_code == 200
    return {entry.title for entry in response.context["page"]}


def api_titles(client, **query) -> set[str]:
    response = client.get(ENTRIES, query)
    assert response.status_code == 200, response.content
    return {entry["title"] for entry in response.json()["results"]}


# --- The curriculum filter ------------------------------------------------------------------------


@pytest.fixture
def mapped(log, fpcs):
    hlo1 = fpcs["FPC1"].parent
    under = [item for item in fpcs.values() if item.parent_id == hlo1.pk]
    elsewhere = next(item for item in fpcs.values() if item.parent_id != hlo1.pk)
    log(title="Under HLO1", items=under[:2])
    log(title="Elsewhere", items=[elsewhere])
    log(title="Not mapped")
    return hlo1, under


def test_filtering_by_an_item_finds_entries_mapped_to_items_under_it(client, trainee, mapped):
    hlo1, under = mapped
    client.force_login(trainee)

    assert page_titles(client, item=hlo1.pk) == {"Under HLO1"}
    assert page_titles(client, item=under[0].pk) == {"Under HLO1"}


def test_the_item_filter_offers_the_trainees_curricula_read_in_one_light_query(
    client, enrolled_trainee, foundation, org_a
):
    other = framework_with_tree(1, 2, slug="elsewhere")  # no programme of the trainee's
    ProgrammeFactory(organisation=org_a, frameworks=[other])
    # Enrolled twice on the same curriculum: each item is still offered once.
    EnrolmentFactory(
        trainee=enrolled_trainee,
        programme=ProgrammeFactory(organisation=org_a, frameworks=[foundation]),
    )
    client.force_login(enrolled_trainee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portfolio:entry_list"))
    offered = [value for value, _ in response.context["filter"].form.fields["item"].choices][1:]
    assert [str(v) for v in offered] == [str(i.pk) for i in foundation.items.all()]
    (options,) = [
        q["sql"] for q in queries.captured_queries if 'FROM "curriculum_item"' in q["sql"]
    ]
    # What an option shows, no more: no descriptions, and no DISTINCT over the rows.
    assert "description" not in options and "DISTINCT" not in options
    # An item of a curriculum the trainee does not follow is not a choice.
    refused = client.get(reverse("portfolio:entry_list"), {"item": other.items.first().pk})
    assert "item" in refused.context["filter"].form.errors


def test_the_api_filter_by_an_item_includes_the_items_under_it(api_as, trainee, mapped):
    hlo1, _ = mapped
    assert api_titles(api_as(trainee), item=hlo1.pk) == {"Under HLO1"}


def test_coverage_tiles_link_the_trainee_to_their_entries_for_the_item(
    client, enrolled_trainee, log, fpcs
):
    log(title="Sepsis teaching", items=[fpcs["FPC1"]])
    programme = enrolled_trainee.enrolments.get().programme
    client.force_login(enrolled_trainee)

    response = client.get(reverse("portfolio:coverage", args=[enrolled_trainee.pk, programme.pk]))

    entries = reverse("portfolio:entry_list")
    assert f'href="{entries}?item={fpcs["FPC1"].pk}"' in response.text
    assert fpcs["FPC1"].get_absolute_url() not in response.text


def test_coverage_tiles_link_a_supervisor_to_the_trainees_entries_for_the_item(
    client, enrolled_trainee, supervisor, log, fpcs
):
    programme = enrolled_trainee.enrolments.get().programme
    client.force_login(supervisor)

    response = client.get(reverse("portfolio:coverage", args=[enrolled_trainee.pk, programme.pk]))

    assert response.status_code == 200
    entries = reverse("portfolio:trainee_entries", args=[enrolled_trainee.pk])
    assert f'href="{entries}?item={fpcs["FPC1"].pk}"' in response.text
    assert f'href="{reverse("portfolio:entry_list")}?item=' not in response.text


# --- Search ------------------------------------------------------------------------------------


@pytest.fixture
def searchable(log):
    log(title="Radiology meeting: chest films", provider="St Elsewhere")
    log(title="Radiology meeting: abdomen", tags=["imaging"])
    log(
        title="Ward round",
        description="Chest pain review",
        reflection_learned="Ask about the radiology earlier.",
    )


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("Radiology meeting chest", {"Radiology meeting: chest films"}),
        ("chest radiology", {"Radiology meeting: chest films", "Ward round"}),
        ("meeting elsewhere", {"Radiology meeting: chest films"}),
        ("abdomen imaging", {"Radiology meeting: abdomen"}),
        ("radiology pain", {"Ward round"}),
        ("radiology nothing", set()),
    ],
)
def test_search_finds_entries_holding_every_word(client, trainee, searchable, words, found):
    client.force_login(trainee)
    assert page_titles(client, q=words) == found


def test_search_in_the_api_matches_every_word(api_as, trainee, searchable):
    assert api_titles(api_as(trainee), q="Radiology meeting chest") == {
        "Radiology meeting: chest films"
    }


def test_a_supervisor_does_not_find_entries_by_their_shared_reflection(
    api_as, trainee, supervisor, log
):
    entry = log(title="Ward round", reflection_learned="A private worry", reflection_shared=True)
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)

    assert api_titles(api_as(trainee), q="worry") == {"Ward round"}
    assert api_titles(api_as(supervisor), q="worry") == set()
    assert api_titles(api_as(supervisor), q="ward") == {"Ward round"}


def test_searching_and_filtering_cost_the_same_queries_for_2_and_20_matches(
    api_as, trainee, log, fpcs
):
    client = api_as(trainee)
    query = {"q": "radiology meeting", "item": fpcs["FPC1"].parent_id}

    def add(count):
        for i in range(count):
            log(title=f"Radiology meeting {i}", tags=["imaging", f"t{i}"], items=[fpcs["FPC1"]])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(ENTRIES, query).status_code == 200
        return len(captured)

    add(2)
    client.get(ENTRIES)  # the token's first use of the minute records it: not a list's cost
    few = queries()
    add(18)
    assert queries() == few


def searches_made(queries) -> int:
    """Statements that test an entry against search words: the stored vectors on PostgreSQL,
    a substring match elsewhere."""
    marker = "@@" if connection.vendor == "postgresql" else "LIKE"
    return sum(marker in query["sql"] for query in queries)


def test_a_search_tests_the_entries_once_for_its_count_and_its_page(client, api_as, trainee, log):
    """Counting the matches and choosing the page used to run the search twice; it now reads
    the matches' ids once and counts and pages them in hand (portfolio.paging)."""
    for i in range(23):
        log(title=f"Radiology meeting {i:02}", date=f"2026-10-{i + 1:02}")
    log(title="Ward round")
    client.force_login(trainee)
    api = api_as(trainee)
    api.get(ENTRIES)  # the token's first use of the minute records it: not a list's cost

    with CaptureQueriesContext(connection) as on_the_page:
        response = client.get(reverse("portfolio:entry_list"), {"q": "radiology", "page": 2})
    with CaptureQueriesContext(connection) as in_the_api:
        body = api.get(ENTRIES, {"q": "radiology"}).json()

    assert searches_made(on_the_page) == 1
    assert searches_made(in_the_api) == 1
    assert response.context["total"] == 23
    # Newest first, as every list: page 2 holds the three oldest.
    assert [e.title for e in response.context["page"]] == [
        "Radiology meeting 02",
        "Radiology meeting 01",
        "Radiology meeting 00",
    ]
    assert body["count"] == 23
    assert [e["title"] for e in body["results"]][-2:] == [
        "Radiology meeting 01",
        "Radiology meeting 00",
    ]
