"""Curriculum coverage and its pages: every item of a programme with the trainee's entries,
in a fixed number of queries, seen only by the trainee and their supervisors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curriculum.models import Requirement
from curriculum.selectors import walk
from portfolio import coverage
from portfolio.models import EntryItem, Status
from tests.factories import (
    EnrolmentFactory,
    LearningEntryFactory,
    ProgrammeFactory,
    framework_with_tree,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(trainee):
    """Give the trainee entries mapped to an item: `evidence(item_id, mapped, signed_off)`
    makes `mapped` entries, the first `signed_off` of them signed off. Bare rows, as the
    services would leave them: coverage only reads them."""

    def give(item_id, mapped, signed_off=0):
        for n in range(mapped):
            status = Status.SIGNED_OFF if n < signed_off else Status.DRAFT
            entry = LearningEntryFactory(trainee=trainee, status=status)
            EntryItem.objects.create(entry=entry, item_id=item_id)

    return give


def programme_on(framework, organisation, **requirement_fields):
    programme = ProgrammeFactory(organisation=organisation, frameworks=[framework])
    Requirement.objects.bulk_create(
        Requirement(programme=programme, item=item, **requirement_fields)
        for item in framework.items.filter(parent__isnull=False)
    )
    return programme


def flatten(rows):
    return {row.item.code: row for row in walk(rows)}


def test_requirement_status_needs_signed_off_entries_when_asked(org_a, trainee, evidence):
    framework = framework_with_tree(1, 3)
    programme = programme_on(framework, org_a, min_entries=2, signed_off_required=True)
    items = {i.code: i.pk for i in framework.items.all()}
    evidence(items["R1.1"], mapped=2, signed_off=2)
    evidence(items["R1.2"], mapped=3, signed_off=1)

    rows = flatten(coverage.coverage(trainee=trainee, programme=programme))

    assert rows["R1.1"].status == "met"
    assert rows["R1.2"].status == "partly"  # three mapped, only one signed off
    assert rows["R1.3"].status == "not_started"
    assert rows["R1"].status == "partly"  # the roll-up of its children
    assert (rows["R1.2"].mapped, rows["R1.2"].signed_off) == (3, 1)


def test_mapped_entries_count_when_sign_off_is_not_required(org_a, trainee, evidence):
    framework = framework_with_tree(1, 2)
    programme = programme_on(framework, org_a, min_entries=1, signed_off_required=False)
    items = {i.code: i.pk for i in framework.items.all()}
    evidence(items["R1.1"], mapped=1)
    evidence(items["R1.2"], mapped=1)

    rows = flatten(coverage.coverage(trainee=trainee, programme=programme))

    assert rows["R1.1"].status == rows["R1.2"].status == "met"
    assert rows["R1"].status == "met"


def test_only_the_trainees_own_entries_count(org_a, trainee, other_trainee, evidence):
    framework = framework_with_tree(1, 1)
    programme = programme_on(framework, org_a, min_entries=1, signed_off_required=False)
    item = framework.items.get(code="R1.1")
    theirs = LearningEntryFactory(trainee=other_trainee, status=Status.SIGNED_OFF)
    EntryItem.objects.create(entry=theirs, item=item)

    assert flatten(coverage.coverage(trainee=trainee, programme=programme))["R1.1"].mapped == 0
    evidence(item.pk, mapped=1)
    assert flatten(coverage.coverage(trainee=trainee, programme=programme))["R1.1"].mapped == 1


def test_no_evidence_yet_means_zero_counts_and_not_started(org_a, trainee):
    framework = framework_with_tree(2, 2)
    programme = programme_on(framework, org_a, min_entries=1, signed_off_required=True)
    rows = coverage.coverage(trainee=trainee, programme=programme)
    assert [r.item.code for r in rows] == ["R1", "R2"]
    assert all(r.mapped == 0 and r.signed_off == 0 for r in walk(rows))
    assert coverage.coverage_summary(rows) == {
        "met": 0,
        "partly": 0,
        "not_started": 4,
        "required": 4,
    }


def coverage_queries(organisation, trainee, roots, children):
    framework = framework_with_tree(roots, children)
    programme = programme_on(framework, organisation, min_entries=1, signed_off_required=True)
    with CaptureQueriesContext(connection) as queries:
        rows = coverage.coverage(trainee=trainee, programme=programme)
    assert sum(1 for _ in walk(rows)) == roots * (children + 1)
    return len(queries)


def test_coverage_costs_the_same_queries_for_10_and_500_items(org_a, trainee):
    small = coverage_queries(org_a, trainee, roots=2, children=4)  # 10 items
    large = coverage_queries(org_a, trainee, roots=10, children=49)  # 500 items
    assert small == large
    assert small <= 3


def test_several_programmes_cost_the_queries_of_one_and_each_has_its_own_coverage(
    org_a, trainee, evidence
):
    """A career adds programmes; the dashboard and the supervisor's page show each. Two
    programmes may share a framework and still require different things of it."""
    shared = framework_with_tree(1, 2)
    other = framework_with_tree(2, 1)
    strict = programme_on(shared, org_a, min_entries=1, signed_off_required=True)
    lenient = programme_on(shared, org_a, min_entries=1, signed_off_required=False)
    second = programme_on(other, org_a, min_entries=1, signed_off_required=False)
    evidence(shared.items.get(code="R1.1").pk, mapped=1)
    evidence(other.items.get(code="R2.1").pk, mapped=1, signed_off=1)

    with CaptureQueriesContext(connection) as one:
        coverage.coverage_of_programmes(trainee=trainee, programmes=[strict])
    with CaptureQueriesContext(connection) as three:
        found = coverage.coverage_of_programmes(
            trainee=trainee, programmes=[strict, lenient, second]
        )

    assert len(three) == len(one) == 3
    assert [programme for programme, _ in found] == [strict, lenient, second]
    statuses = {
        programme.pk: {code: row.status for code, row in flatten(rows).items()}
        for programme, rows in found
    }
    assert statuses[strict.pk] == {"R1": "partly", "R1.1": "partly", "R1.2": "not_started"}
    assert statuses[lenient.pk] == {"R1": "partly", "R1.1": "met", "R1.2": "not_started"}
    assert statuses[second.pk] == {
        "R1": "not_started",
        "R1.1": "not_started",
        "R2": "met",
        "R2.1": "met",
    }
    # The same rows as each programme's own coverage.
    for programme, rows in found:
        alone = flatten(coverage.coverage(trainee=trainee, programme=programme))
        assert {c: (r.mapped, r.signed_off, r.status) for c, r in flatten(rows).items()} == {
            c: (r.mapped, r.signed_off, r.status) for c, r in alone.items()
        }
    assert coverage.coverage_of_programmes(trainee=trainee, programmes=[]) == []


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def enrolled(org_a, trainee):
    framework = framework_with_tree(2, 3)
    programme = programme_on(framework, org_a, min_entries=1, signed_off_required=True)
    EnrolmentFactory(trainee=trainee, programme=programme)
    return programme


def test_trainee_sees_their_coverage_grid(client, trainee, enrolled):
    client.force_login(trainee)
    response = client.get(reverse("portfolio:my_coverage"))  # one programme: straight to it
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Your coverage" in page
    assert "0 of 6</strong> requirements met" in page
    assert page.count('class="tile status-not_started"') == 6


def test_supervisor_sees_a_supervised_trainees_coverage(client, trainee, supervisor, enrolled):
    client.force_login(supervisor)
    url = reverse("portfolio:coverage", args=[trainee.pk, enrolled.pk])
    assert url in client.get(reverse("portfolio:supervised_trainees")).content.decode()
    page = client.get(url).content.decode()
    assert f"Coverage for {trainee}" in page


@pytest.mark.parametrize("who", ["other_trainee", "org_admin", "org_b_admin"])
def test_nobody_else_sees_a_trainees_coverage(client, trainee, enrolled, who, request):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.get(reverse("portfolio:coverage", args=[trainee.pk, enrolled.pk])).status_code == 404
    )


def test_a_supervisor_whose_supervision_ended_loses_access(client, trainee, supervisor, enrolled):
    from django.utils import timezone

    supervision = supervisor.supervisions_given.get()
    supervision.end_date = timezone.localdate() - timezone.timedelta(days=1)
    supervision.save()
    client.force_login(supervisor)
    assert (
        client.get(reverse("portfolio:coverage", args=[trainee.pk, enrolled.pk])).status_code == 404
    )


def test_coverage_needs_sign_in(client, trainee, enrolled):
    response = client.get(reverse("portfolio:coverage", args=[trainee.pk, enrolled.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_coverage_api_matches_the_page(client, trainee, enrolled, evidence):
    item = enrolled.frameworks.get().items.get(code="R2.1")
    evidence(item.pk, mapped=1, signed_off=1)
    client.force_login(trainee)
    data = client.get(f"/api/v1/programmes/{enrolled.pk}/coverage/").json()
    by_code = {row["code"]: row for row in data}
    assert by_code["R2.1"]["status"] == "met"
    assert by_code["R2.1"]["requirement"] == {"min_entries": 1, "signed_off_required": True}
    assert by_code["R2"]["status"] == "partly"
    assert by_code["R1"]["status"] == "not_started"


def test_coverage_api_refuses_another_trainees_coverage(client, trainee, other_trainee, enrolled):
    client.force_login(other_trainee)
    response = client.get(f"/api/v1/programmes/{enrolled.pk}/coverage/?trainee={trainee.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_root_still_links_the_programme_list(client, trainee):
    # Coverage and the programmes share the "programmes" prefix; the list is curriculum's.
    client.force_login(trainee)
    links = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert links["programmes"] == "http://testserver/api/v1/programmes/"


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_coverage_page_and_api_cost_the_same_for_2_and_20_items(
    client, org_a, trainee, evidence
):
    small = programme_on(framework_with_tree(1, 1), org_a, min_entries=1)  # 2 items
    large = programme_on(framework_with_tree(2, 9), org_a, min_entries=1)  # 20 items
    for programme in (small, large):
        EnrolmentFactory(trainee=trainee, programme=programme)
        for item in programme.frameworks.get().items.filter(parent__isnull=False):
            evidence(item.pk, mapped=2, signed_off=1)
    client.force_login(trainee)
    # Session and user, the programme (the trainee is the viewer: not read again); items
    # (no query per item for its framework), requirements and the counts, one aggregate;
    # and on the page, the user's roles for the navigation.
    for url, budget in (
        (lambda p: reverse("portfolio:coverage", args=[trainee.pk, p.pk]), 7),
        (lambda p: f"/api/v1/programmes/{p.pk}/coverage/", 6),
    ):
        few, many = queries_of(client, url(small)), queries_of(client, url(large))
        assert few == many == budget, url(large)


def test_coverage_rows_read_of_each_item_what_a_row_shows(org_a, trainee, enrolled, evidence):
    (row,) = coverage.coverage(trainee=trainee, programme=enrolled)[:1]
    for each in walk([row]):
        assert {"description", "extra", "external_id"} <= each.item.get_deferred_fields()
        assert each.item.code and each.item.title
