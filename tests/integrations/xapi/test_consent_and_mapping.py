"""Which statements become whose entries: only a trainee who connected the provider, matched
by a verified email or a linked account; and how a statement's parts become an entry."""

import json
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from integrations.xapi import services
from integrations.xapi.models import Statement
from portfolio.models import Kind, LearningEntry, Source, Status
from tests.integrations.xapi.conftest import VERSION, basic, completion

URL = "/xapi/statements"


def post(client, headers, body):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_completion_becomes_a_draft_entry_from_its_parts(client, connected_trainee, lrs_headers):
    statement = completion()
    assert post(client, lrs_headers, statement).status_code == 200
    entry = LearningEntry.objects.get(trainee=connected_trainee)
    assert entry.kind == Kind.ELEARNING
    assert entry.title == "Sepsis: recognise and act"
    assert entry.description == "Spotting sepsis early on the ward."
    assert str(entry.date) == "2026-11-20"
    assert entry.duration_minutes == 90
    assert entry.cpd_credits == Decimal("1.5")
    assert entry.provider == "Ward Round Learning"
    assert (entry.source, entry.external_id) == (Source.XAPI, statement["id"])
    assert entry.status == Status.DRAFT
    stored = Statement.objects.get()
    assert (stored.entry, stored.trainee, stored.raw) == (entry, connected_trainee, statement)


def test_a_statement_for_a_trainee_who_has_not_connected_is_refused_and_stored_nowhere(
    client, trainee, provider, lrs_headers
):
    response = post(client, lrs_headers, completion())
    assert response.status_code == 403
    assert "not stored" in response.json()["error"]
    assert not Statement.objects.exists()
    assert not LearningEntry.objects.exists()


def test_one_refused_statement_refuses_the_whole_batch(
    client, connected_trainee, other_trainee, lrs_headers
):
    batch = [completion(), completion(email=other_trainee.email)]
    assert post(client, lrs_headers, batch).status_code == 403
    assert not Statement.objects.exists()
    assert not LearningEntry.objects.exists()


def test_connecting_one_provider_allows_no_other(client, trainee, provider, other_provider):
    services.connect_provider(user=trainee, organisation=other_provider, actor=trainee)
    _, secret = services.create_credential(organisation=provider, actor=None)
    headers = {**VERSION, **basic(provider.xapi_credentials.get().key, secret)}
    assert post(client, headers, completion()).status_code == 403


def test_an_unverified_email_does_not_match(client, connected_trainee, lrs_headers):
    EmailAddress.objects.create(user=connected_trainee, email="asha@home.example", verified=False)
    assert post(client, lrs_headers, completion(email="asha@home.example")).status_code == 403
    EmailAddress.objects.filter(email="asha@home.example").update(verified=True)
    assert post(client, lrs_headers, completion(email="Asha@Home.example")).status_code == 200


def test_a_linked_account_matches_the_actors_account(client, trainee, provider, lrs_headers):
    services.connect_provider(
        user=trainee,
        organisation=provider,
        actor=trainee,
        account_home_page="https://wardround.example",
        account_name="learner-8812",
    )
    account = {"account": {"homePage": "https://wardround.example", "name": "learner-8812"}}
    assert post(client, lrs_headers, completion(actor=account)).status_code == 200
    assert LearningEntry.objects.get().trainee == trainee
    elsewhere = {"account": {"homePage": "https://other.example", "name": "learner-8812"}}
    assert post(client, lrs_headers, completion(actor=elsewhere)).status_code == 403


def test_an_account_cannot_be_linked_by_two_people(trainee, other_trainee, provider):
    services.connect_provider(
        user=trainee, organisation=provider, actor=trainee, account_name="learner-8812"
    )
    with pytest.raises(ValidationError) as refused:
        services.connect_provider(
            user=other_trainee,
            organisation=provider,
            actor=other_trainee,
            account_name="learner-8812",
        )
    assert "account_name" in refused.value.error_dict


@pytest.mark.parametrize(
    ("verb", "makes_entry"),
    [("completed", True), ("passed", True), ("attended", True), ("experienced", True),
     ("launched", False), ("failed", False), ("answered", False)],
)  # fmt: skip
def test_only_verbs_of_learning_done_make_entries(
    client, connected_trainee, lrs_headers, verb, makes_entry
):
    statement = completion(verb={"id": f"http://adlnet.gov/expapi/verbs/{verb}"})
    assert post(client, lrs_headers, statement).status_code == 200
    assert LearningEntry.objects.exists() is makes_entry
    assert (Statement.objects.get().entry_id is not None) is makes_entry


@pytest.mark.parametrize(
    ("activity_type", "kind"),
    [("meeting", Kind.SPECIALTY_MEETING), ("simulation", Kind.SIMULATION),
     ("course", Kind.ELEARNING), ("media", Kind.READING)],
)  # fmt: skip
def test_activity_types_choose_the_kind_of_entry(
    client, connected_trainee, lrs_headers, activity_type, kind
):
    statement = completion()
    statement["object"]["definition"]["type"] = (
        f"http://adlnet.gov/expapi/activities/{activity_type}"
    )
    post(client, lrs_headers, statement)
    assert LearningEntry.objects.get().kind == kind


def test_a_statement_without_name_or_duration_still_makes_an_entry(
    client, connected_trainee, lrs_headers
):
    statement = completion()
    del statement["object"]["definition"], statement["result"]
    post(client, lrs_headers, statement)
    entry = LearningEntry.objects.get()
    assert entry.title == "https://wardround.example/modules/sepsis-1"
    assert (entry.duration_minutes, entry.cpd_credits) == (None, Decimal("0"))


def test_a_name_in_another_language_is_used_when_there_is_no_english(
    client, connected_trainee, lrs_headers
):
    statement = completion()
    statement["object"]["definition"]["name"] = {"cy": "Sepsis: adnabod a gweithredu"}
    post(client, lrs_headers, statement)
    assert LearningEntry.objects.get().title == "Sepsis: adnabod a gweithredu"


def test_sending_a_statement_is_audited_as_the_system_creating_the_entry(
    client, connected_trainee, lrs_headers
):
    post(client, lrs_headers, completion())
    created = AuditEntry.objects.filter(action="create").get()
    assert created.actor is None
