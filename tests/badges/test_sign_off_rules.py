"""Rules that count only signed-off entries: a standing supervisor sign-off counts, a withdrawn
one or a bare status does not; badge classes set it through the rule editor and the API,
with problems named by field; evaluation still costs a fixed number of queries."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from badges.models import Award, BadgeClass, Progress
from badges.services import awarding
from badges.services import badge_classes as badge_class_services
from portfolio import services as portfolio
from portfolio.models import LearningEntry, Status
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.factories import SupervisionFactory
from tests.helpers import assert_inline_error

pytestmark = pytest.mark.django_db

clean_cache = api_fixtures.clean_cache

SIGNED_READING = {"type": "event_count", "min": 2, "kinds": ["reading"], "signed_off_only": True}


@pytest.fixture
def careful_reader(org_a, org_admin):
    from badges import demo

    demo.create_badge_classes(org_a)
    return badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="careful-reader",
        name="Careful reader",
        description="Read guidelines and talked them through with a supervisor.",
        criteria="Log two readings, each signed off by a supervisor.",
        rule=SIGNED_READING,
    )


def holds(trainee, badge_class) -> bool:
    return Award.objects.standing().filter(recipient=trainee, badge_class=badge_class).exists()


def progress(trainee, badge_class):
    row = Progress.objects.get(trainee=trainee, badge_class=badge_class)
    return (row.current, row.target, row.label)


def test_a_rule_requiring_sign_off_awards_only_once_enough_entries_are_signed_off(
    careful_reader, add, sign_off, enrolled_trainee
):
    readings = add(3, kind="reading", title="NICE NG51 sepsis")
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, careful_reader)
    assert progress(enrolled_trainee, careful_reader) == (0, 2, "signed-off reading entries")

    sign_off(readings[:1])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, careful_reader)
    assert progress(enrolled_trainee, careful_reader) == (1, 2, "signed-off reading entries")

    sign_off(readings[1:2])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    award = Award.objects.get(recipient=enrolled_trainee, badge_class=careful_reader)
    assert award.achieved["rule"]["entries"] == 2
    assert award.achieved["rule"]["signed_off"] == 2


def test_a_withdrawn_sign_off_does_not_count(
    careful_reader, add, sign_off, enrolled_trainee, supervisor
):
    readings = sign_off(add(2, kind="reading", title="NICE NG51 sepsis"))
    portfolio.withdraw_sign_off(
        entry=readings[0], actor=supervisor, reason="Signed off the wrong entry."
    )
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, careful_reader)
    assert progress(enrolled_trainee, careful_reader) == (1, 2, "signed-off reading entries")


def test_a_signed_off_status_without_a_sign_off_does_not_count(
    careful_reader, add, sign_off, enrolled_trainee
):
    # As benchmark data is written: the status alone, with no supervisor behind it.
    LearningEntry.objects.bulk_create(
        LearningEntry(
            trainee=enrolled_trainee,
            kind="reading",
            title=f"Paper {n}",
            date="2026-10-01",
            status=Status.SIGNED_OFF,
        )
        for n in range(3)
    )
    sign_off(add(1, kind="reading", title="NICE NG51 sepsis"))
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, careful_reader)
    assert progress(enrolled_trainee, careful_reader)[0] == 1


def test_a_cpd_credits_rule_can_require_sign_off(
    org_a, org_admin, badge_classes, add, sign_off, enrolled_trainee
):
    badge_class = badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="signed-cpd",
        name="Signed-off CPD",
        description="Three CPD credits a supervisor has seen.",
        criteria="Earn three CPD credits from signed-off entries.",
        rule={"type": "cpd_credits", "min": 3, "signed_off_only": True},
    )
    courses = add(3, kind="course", title="Study day", cpd_credits=Decimal("1.5"))
    sign_off(courses[:1])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, badge_class)
    sign_off(courses[1:2])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    award = Award.objects.get(recipient=enrolled_trainee, badge_class=badge_class)
    assert award.achieved["rule"] == {
        "type": "cpd_credits",
        "credits": 3.0,
        "entries": 2,
        "signed_off": 2,
        "signed_off_only": True,
        "first": "2026-11-02",
        "last": "2026-11-02",
    }


def test_coverage_counts_only_standing_sign_offs_and_records_the_item(
    org_a, org_admin, badge_classes, add, sign_off, supervisor, enrolled_trainee, fpcs
):
    badge_class = badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="fpc12-covered",
        name="FPC12 covered",
        description="Evidence for FPC12 a supervisor has signed off.",
        criteria="Cover FPC12 with a signed-off entry.",
        rule={"type": "coverage", "item": "uk-foundation/2021/FPC12", "min_signed_off": 1},
    )
    [withdrawn] = sign_off(add(1, kind="reading", title="Guideline", items=[fpcs["FPC12"]]))
    portfolio.withdraw_sign_off(entry=withdrawn, actor=supervisor, reason="Wrong entry.")
    awarding.evaluate_awards(trainee=enrolled_trainee)
    assert not holds(enrolled_trainee, badge_class)

    sign_off(add(1, kind="reading", title="Guideline", items=[fpcs["FPC12"]]))
    awarding.evaluate_awards(trainee=enrolled_trainee)
    award = Award.objects.get(recipient=enrolled_trainee, badge_class=badge_class)
    assert award.achieved["rule"] == {
        "type": "coverage",
        "item": "uk-foundation/2021/FPC12",
        "title": fpcs["FPC12"].title,
        "covered": 1,
        "items": 1,
        "min_signed_off": 1,
    }


# --- Query budget --------------------------------------------------------------------------------


def evaluation_queries(trainee):
    with CaptureQueriesContext(connection) as queries:
        awarding.evaluate_awards(trainee=trainee)
    return len(queries)


def test_evaluating_sign_off_rules_costs_the_same_queries_for_1_and_2000_entries(
    careful_reader, org_a, org_admin, add, sign_off, enrolled_trainee
):
    badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="signed-cpd",
        name="Signed-off CPD",
        description="Fifty CPD credits a supervisor has seen.",
        criteria="Earn fifty CPD credits from signed-off entries.",
        rule={"type": "cpd_credits", "min": 50, "signed_off_only": True},
    )
    sign_off(add(1, kind="course", title="Study day", cpd_credits=Decimal("1")))
    one = evaluation_queries(enrolled_trainee)
    LearningEntry.objects.bulk_create(
        LearningEntry(
            trainee=enrolled_trainee,
            kind="reading",
            title=f"Paper {n}",
            date="2026-10-01",
            cpd_credits=Decimal("0.5"),
        )
        for n in range(1999)
    )
    many = evaluation_queries(enrolled_trainee)
    assert one == many


def test_awarding_by_a_sign_off_rule_costs_the_same_queries_for_2_and_2000_entries(
    careful_reader, supervisor, enrolled_trainee, other_trainee, org_a
):
    SupervisionFactory(supervisor=supervisor, trainee=other_trainee, organisation=org_a)
    costs = []
    for trainee, history in ((enrolled_trainee, 0), (other_trainee, 1998)):
        LearningEntry.objects.bulk_create(
            LearningEntry(trainee=trainee, kind="reading", title=f"Paper {n}", date="2026-10-01")
            for n in range(history)
        )
        for _ in range(2):
            entry, _ = portfolio.log_entry(
                actor=trainee, trainee=trainee, kind="reading", title="NICE", date="2026-11-02"
            )
            portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=trainee)
            portfolio.approve(entry=entry, actor=supervisor)
        costs.append(evaluation_queries(trainee))
        assert holds(trainee, careful_reader)
    assert costs[0] == costs[1]


# --- Setting it: the rule editor and the API -----------------------------------------------------


def badge_class_form(**fields):
    return {
        "name": "Careful reader",
        "slug": "careful-reader",
        "description": "Read guidelines and talked them through.",
        "criteria": "Log two readings, each signed off by a supervisor.",
        "rule": "",
        "tags": "",
        "valid_for_months": "",
        "is_active": "on",
        **fields,
    }


def test_the_rule_editor_saves_a_sign_off_requirement(client, org_a, org_admin, badge_classes):
    client.force_login(org_admin)
    url = reverse("badges:org_badge_class_create", args=[org_a.slug])
    response = client.post(url, badge_class_form(rule=json.dumps(SIGNED_READING)))
    assert response.status_code == 302
    assert BadgeClass.objects.get(slug="careful-reader").rule["signed_off_only"] is True
    page = client.get(url).content.decode()
    assert "only entries a supervisor has signed off count" in page


def test_the_rule_editor_says_a_sign_off_requirement_is_true_or_false(
    client, org_a, org_admin, badge_classes
):
    client.force_login(org_admin)
    url = reverse("badges:org_badge_class_create", args=[org_a.slug])
    rule = {**SIGNED_READING, "signed_off_only": "yes"}
    response = client.post(url, badge_class_form(rule=json.dumps(rule)))
    assert response.status_code == 200
    assert_inline_error(response, "rule", "signed_off_only: must be true or false.")
    assert not BadgeClass.objects.filter(slug="careful-reader").exists()


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_sets_a_sign_off_requirement_and_refuses_a_wrong_one_by_field(
    org_a, org_admin, badge_classes
):
    body = {
        "issuer": org_a.issuer.pk,
        "slug": "careful-reader",
        "name": "Careful reader",
        "description": "Read guidelines and talked them through.",
        "criteria": "Log two readings, each signed off by a supervisor.",
        "rule": {**SIGNED_READING, "signed_off_only": "yes"},
    }
    error = assert_error(
        api_client(org_admin).post("/api/v1/badge-classes/", body, format="json"), 400, "invalid"
    )
    assert error["fields"] == {"rule": ["signed_off_only: must be true or false."]}

    response = api_client(org_admin).post(
        "/api/v1/badge-classes/", {**body, "rule": SIGNED_READING}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["rule"]["signed_off_only"] is True


def test_the_api_schema_documents_each_kind_of_rule_and_the_sign_off_requirement(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "components"
    ]["schemas"]
    kinds = schema["BadgeRuleRequest"]["discriminator"]["mapping"]
    assert set(kinds) == {
        "event_count",
        "cpd_credits",
        "coverage",
        "badges",
        "attendance",
        "external_badge",
        "all",
        "any",
    }
    for rule in ("EventCountRuleRequest", "CpdCreditsRuleRequest"):
        described = schema[rule]["properties"]["signed_off_only"]
        assert described["type"] == "boolean"
        assert "standing supervisor sign-off" in described["description"]
    rule_field = schema["BadgeClassCreateRequest"]["properties"]["rule"]
    assert rule_field["allOf"] == [{"$ref": "#/components/schemas/BadgeRuleRequest"}]
    assert rule_field["nullable"] is True


def test_every_count_of_entries_is_one_query_however_many_rules_ask(
    org_a, org_admin, add, sign_off, enrolled_trainee, fpcs
):
    """Counting entries for six rules with different filters (kind, tag, item, provider,
    sign-off, date, credits) costs what counting for one does, and each count is right."""
    from badges import facts, rules

    sign_off(add(2, kind="reading", title="Paper", items=[fpcs["FPC1"]], cpd_credits=Decimal(1)))
    add(3, kind="reading", title="Paper", tags=["sepsis"], provider="BMJ Learning")
    add(1, kind="course", title="ALS", date="2025-01-10", cpd_credits=Decimal("7.5"))
    wanted = {
        "reading": {"type": "event_count", "min": 1, "kinds": ["reading"]},
        "signed": SIGNED_READING,
        "sepsis": {"type": "event_count", "min": 1, "tags": ["Sepsis"]},
        "fpc1": {"type": "event_count", "min": 1, "items": ["uk-foundation/2021/FPC1"]},
        "bmj": {"type": "event_count", "min": 1, "provider": "bmj learning"},
        "recent": {"type": "event_count", "min": 1, "window": {"last_days": 180}},
        "credits": {"type": "cpd_credits", "min": 1},
        "nothing": {"type": "event_count", "min": 1, "tags": ["no-such-tag"]},
    }
    today = datetime.date(2026, 11, 30)
    requests = {name: rules.fact_request(rule, today) for name, rule in wanted.items()}

    with CaptureQueriesContext(connection) as one:
        facts.gather(enrolled_trainee, {requests["reading"]}, today)
    with CaptureQueriesContext(connection) as all_of_them:
        found = facts.gather(enrolled_trainee, set(requests.values()), today)

    # Resolving items and tags is a query each; the counts are one more.
    assert len(all_of_them) == len(one) + 2
    counts = {name: (found[r].entries, found[r].signed_off) for name, r in requests.items()}
    assert counts == {
        "reading": (5, 2),
        "signed": (2, 2),
        "sepsis": (3, 0),
        "fpc1": (2, 2),
        "bmj": (3, 0),
        "recent": (5, 2),
        "credits": (3, 2),
        "nothing": (0, 0),
    }
    assert found[requests["credits"]].credits == 9.5
    assert found[requests["reading"]].first == datetime.date(2026, 11, 2)
    assert found[requests["nothing"]].first is None


def test_the_count_asks_whether_an_entry_is_signed_off_once_however_many_rules_need_it(
    add, sign_off, enrolled_trainee
):
    """Each rule that counts only signed-off entries reads the one signed-off column of the
    count, rather than asking the sign-offs table again; a rule with no other condition
    counts every entry without asking the database anything for it."""
    from badges import facts, rules

    sign_off(add(2, kind="reading", title="Paper", cpd_credits=Decimal(1)))
    add(1, kind="reading", title="Paper")
    add(1, kind="course", title="ALS", cpd_credits=Decimal("7.5"))
    wanted = {
        "signed reading": SIGNED_READING,
        "signed anything": {"type": "event_count", "min": 1, "signed_off_only": True},
        "signed credits": {"type": "cpd_credits", "min": 1, "signed_off_only": True},
        "anything": {"type": "event_count", "min": 1},
    }
    today = datetime.date(2026, 11, 30)
    requests = {name: rules.fact_request(rule, today) for name, rule in wanted.items()}

    with CaptureQueriesContext(connection) as queries:
        found = facts.gather(enrolled_trainee, set(requests.values()), today)

    (count,) = [q["sql"] for q in queries if "portfolio_learningentry" in q["sql"]]
    assert count.count('"portfolio_signoff"') == 1
    counts = {name: (found[r].entries, found[r].signed_off) for name, r in requests.items()}
    assert counts == {
        "signed reading": (2, 2),
        "signed anything": (2, 2),
        "signed credits": (2, 2),
        "anything": (4, 2),
    }
    assert found[requests["signed credits"]].credits == 2.0
