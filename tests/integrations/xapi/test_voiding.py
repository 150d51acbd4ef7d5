"""A voiding statement takes back what the statement it voids recorded: a draft entry is
withdrawn; an entry a supervisor has seen stays, and the void is refused saying why."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from integrations.xapi.models import Statement
from portfolio import services as portfolio
from portfolio.models import LearningEntry
from tests.integrations.xapi.conftest import completion, voiding

URL = "/xapi/statements"


def post(client, headers, body):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def sent(client, connected_trainee, lrs_headers):
    statement = completion()
    assert post(client, lrs_headers, statement).status_code == 200
    return statement


def test_voiding_withdraws_a_draft_entry(client, lrs_headers, sent):
    void = voiding(sent["id"])
    assert post(client, lrs_headers, void).status_code == 200
    assert not LearningEntry.objects.exists()
    target = Statement.objects.get(statement_id=sent["id"])
    assert target.voided and target.entry is None
    # Read back only as voided (xAPI-Communication 2.1.4).
    found = client.get(URL, {"statementId": sent["id"]}, **lrs_headers)
    assert found.status_code == 404
    voided = client.get(URL, {"voidedStatementId": sent["id"]}, **lrs_headers)
    assert voided.json()["object"] == sent["object"]
    assert (
        client.get(URL, {"statementId": void["id"]}, **lrs_headers).json()["verb"] == void["verb"]
    )


def test_voiding_a_signed_off_entry_is_refused_with_the_reason(
    client, lrs_headers, sent, connected_trainee, supervisor
):
    entry = LearningEntry.objects.get()
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=connected_trainee)
    portfolio.approve(entry=entry, actor=supervisor)
    response = post(client, lrs_headers, voiding(sent["id"]))
    assert response.status_code == 409
    assert "signed off" in response.json()["error"]
    assert LearningEntry.objects.get() == entry
    assert not Statement.objects.get(statement_id=sent["id"]).voided
    assert Statement.objects.count() == 1


def test_voiding_an_entry_awaiting_sign_off_is_refused(
    client, lrs_headers, sent, connected_trainee, supervisor
):
    entry = LearningEntry.objects.get()
    portfolio.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=connected_trainee)
    assert post(client, lrs_headers, voiding(sent["id"])).status_code == 409
    assert LearningEntry.objects.exists()


def test_a_voiding_statement_cannot_be_voided(client, lrs_headers, sent):
    void = voiding(sent["id"])
    post(client, lrs_headers, void)
    assert post(client, lrs_headers, voiding(void["id"])).status_code == 400


def test_voiding_a_statement_never_received_is_accepted(client, connected_trainee, lrs_headers):
    # xAPI-Data 2.3.2: the LRS does not reject a void because its target is unknown.
    assert (
        post(client, lrs_headers, voiding("8f2b1e5c-4a0d-4c55-9a61-0f6c3f1f7a11")).status_code
        == 200
    )


def test_a_voiding_statement_must_point_at_a_statement(client, lrs_headers, sent):
    void = voiding(sent["id"])
    void["object"] = {"objectType": "Activity", "id": "https://wardround.example/x"}
    assert post(client, lrs_headers, void).status_code == 400
    assert LearningEntry.objects.exists()


def test_only_an_entry_another_system_sent_can_be_withdrawn_by_it(log):
    entry = log(title="Logged on the web")
    with pytest.raises(PermissionDenied):
        portfolio.withdraw_sent_entry(entry=entry, reason="voided")
    assert LearningEntry.objects.filter(pk=entry.pk).exists()
