"""The statements and about resources as xAPI 1.0.3 specifies them, for the parts Waymark
answers: the version header, Basic authentication, POST, PUT, GET by id, and the status
codes of each."""

import json
import uuid

import pytest
from django.conf import settings

from integrations.xapi import services
from integrations.xapi.models import Statement
from portfolio.models import LearningEntry, Source
from tests.integrations.xapi.conftest import VERSION, basic, completion

URL = "/xapi/statements"


def post(client, headers, body):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def put(client, headers, statement_id, body):
    return client.put(
        f"{URL}?statementId={statement_id}",
        json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_about_names_the_version_without_asking_for_the_header(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json() == {"version": ["1.0.3"]}
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_the_version_header_is_required_and_every_answer_carries_it(
    client, connected_trainee, credentials
):
    response = post(client, basic(*credentials), completion())
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert not Statement.objects.exists()


def test_an_unsupported_version_is_refused(client, connected_trainee, credentials):
    headers = {**basic(*credentials), "HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
    assert post(client, headers, completion()).status_code == 400


def test_post_stores_the_statement_and_answers_its_id(client, connected_trainee, lrs_headers):
    statement = completion()
    response = post(client, lrs_headers, statement)
    assert response.status_code == 200
    assert response.json() == [statement["id"]]
    assert response["X-Experience-API-Version"] == "1.0.3"
    entry = LearningEntry.objects.get(trainee=connected_trainee)
    assert (entry.source, entry.external_id) == (Source.XAPI, statement["id"])


def test_post_without_ids_gets_ids_made_by_the_lrs(client, connected_trainee, lrs_headers):
    first, second = completion(), completion(name="Acute kidney injury")
    del first["id"], second["id"]
    response = post(client, lrs_headers, [first, second])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 2 and all(uuid.UUID(i) for i in ids)
    assert sorted(LearningEntry.objects.values_list("external_id", flat=True)) == sorted(ids)


def test_the_same_statement_sent_again_changes_nothing(client, connected_trainee, lrs_headers):
    statement = completion()
    post(client, lrs_headers, statement)
    entry = LearningEntry.objects.get()
    again = post(client, lrs_headers, statement)
    assert again.status_code == 200
    assert again.json() == [statement["id"]]
    assert list(LearningEntry.objects.all()) == [entry]
    assert LearningEntry.objects.get().updated_at == entry.updated_at
    assert Statement.objects.count() == 1


def test_a_reused_id_with_other_content_is_a_conflict(client, connected_trainee, lrs_headers):
    statement = completion()
    post(client, lrs_headers, statement)
    changed = {**statement, "result": {"completion": True, "duration": "PT3H"}}
    response = post(client, lrs_headers, changed)
    assert response.status_code == 409
    assert statement["id"] in response.json()["error"]
    assert Statement.objects.get().raw == statement
    assert LearningEntry.objects.get().duration_minutes == 90


def test_put_stores_under_the_statement_id_and_answers_no_content(
    client, connected_trainee, lrs_headers
):
    statement = completion()
    statement_id = statement.pop("id")
    response = put(client, lrs_headers, statement_id, statement)
    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert LearningEntry.objects.get().external_id == statement_id


def test_put_needs_a_statement_id_that_agrees_with_the_body(client, connected_trainee, lrs_headers):
    statement = completion()
    no_id = client.put(URL, json.dumps(statement), content_type="application/json", **lrs_headers)
    assert no_id.status_code == 400
    assert put(client, lrs_headers, str(uuid.uuid4()), statement).status_code == 400
    assert put(client, lrs_headers, "not-a-uuid", statement).status_code == 400
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: s.pop("verb"), "verb"),
        (lambda s: s.update(id="42"), "UUID"),
        (lambda s: s.update(actor={"name": "Nobody"}), "mbox"),
        (lambda s: s.update(actor={"mbox": "trainee@example.org"}), "mailto"),
        (lambda s: s["result"].update(duration="ninety minutes"), "duration"),
        (lambda s: s["result"].update(duration="P1M"), "months"),
        (lambda s: s.update(timestamp="yesterday"), "timestamp"),
        (lambda s: s.update(mood="cheerful"), "mood"),
        (lambda s: s["object"]["definition"].update(name="Sepsis"), "language map"),
    ],
    ids=[
        "no verb", "bad id", "no identifier", "mbox not mailto", "duration not ISO 8601",
        "duration in months", "bad timestamp", "unknown property", "name not a language map",
    ],
)  # fmt: skip
def test_a_malformed_statement_is_refused_with_the_reason(
    client, connected_trainee, lrs_headers, change, reason
):
    statement = completion()
    change(statement)
    response = post(client, lrs_headers, statement)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not Statement.objects.exists()
    assert not LearningEntry.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, connected_trainee, lrs_headers):
    response = client.post(URL, "{not json", content_type="application/json", **lrs_headers)
    assert response.status_code == 400


def test_one_bad_statement_in_a_batch_stores_none_of_it(client, connected_trainee, lrs_headers):
    bad = completion()
    del bad["verb"]
    response = post(client, lrs_headers, [completion(), bad])
    assert response.status_code == 400
    assert not Statement.objects.exists()
    assert not LearningEntry.objects.exists()


def test_a_completion_dated_in_the_future_is_refused(client, connected_trainee, lrs_headers):
    response = post(client, lrs_headers, completion(timestamp="2999-01-01T10:00:00Z"))
    assert response.status_code == 400
    assert "future" in response.json()["error"]


def test_get_by_statement_id_reads_back_the_statement(client, connected_trainee, lrs_headers):
    statement = completion()
    post(client, lrs_headers, statement)
    response = client.get(URL, {"statementId": statement["id"]}, **lrs_headers)
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == "1.0.3"
    read = response.json()
    stored = Statement.objects.get()
    assert read == {
        **statement,
        "version": "1.0.0",
        "stored": stored.stored_at.isoformat(),
        "authority": {
            "objectType": "Agent",
            "name": "Ward Round Learning",
            "account": {"homePage": settings.SITE_URL, "name": "ward-round-learning"},
        },
    }


def test_stored_and_authority_are_the_lrss_to_set(client, connected_trainee, lrs_headers):
    statement = completion()
    claimed = {**statement, "authority": {"mbox": "mailto:someone@else.example"}}
    post(client, lrs_headers, claimed)
    assert Statement.objects.get().raw == statement
    # Sent again without them, it is the same statement.
    assert post(client, lrs_headers, statement).status_code == 200
    read = client.get(URL, {"statementId": statement["id"]}, **lrs_headers).json()
    assert read["authority"]["account"]["name"] == "ward-round-learning"


def test_a_version_other_than_1_0_is_refused(client, connected_trainee, lrs_headers):
    assert post(client, lrs_headers, completion(version="2.0.0")).status_code == 400


def test_get_never_reads_another_providers_statements(
    client, connected_trainee, lrs_headers, other_provider
):
    statement = completion()
    post(client, lrs_headers, statement)
    _, secret = services.create_credential(organisation=other_provider, actor=None)
    other_key = other_provider.xapi_credentials.get().key
    other = {**VERSION, **basic(other_key, secret)}
    assert client.get(URL, {"statementId": statement["id"]}, **other).status_code == 404
    assert client.get(URL, {"statementId": str(uuid.uuid4())}, **lrs_headers).status_code == 404


def test_get_answers_no_queries(client, lrs_headers):
    assert client.get(URL, {"verb": "completed"}, **lrs_headers).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["", "Basic bm90LWJhc2U2NA===", "Bearer not-a-token", "Token wm_abc"],
    ids=["none", "not base64", "unknown bearer", "personal token scheme"],
)
def test_requests_without_a_providers_credentials_are_refused(client, authorization):
    headers = {**VERSION, "HTTP_AUTHORIZATION": authorization}
    response = post(client, headers, completion())
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Waymark xAPI"'
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_wrong_secret_is_refused(client, connected_trainee, credentials):
    key, _ = credentials
    response = post(client, {**VERSION, **basic(key, "guessed")}, completion())
    assert response.status_code == 401
    assert not Statement.objects.exists()


def test_a_revoked_key_is_refused(client, connected_trainee, credentials, provider):
    key, secret = credentials
    services.revoke_credential(credential=provider.xapi_credentials.get(key=key), actor=None)
    response = post(client, {**VERSION, **basic(key, secret)}, completion())
    assert response.status_code == 401
    assert not LearningEntry.objects.exists()


def test_a_statement_costs_the_same_queries_however_many_came_before(
    client, connected_trainee, lrs_headers, django_assert_num_queries
):
    post(client, lrs_headers, completion())
    with django_assert_num_queries(QUERIES_PER_COMPLETION):
        post(client, lrs_headers, completion())
    post(client, lrs_headers, [completion(name=f"Module {n}") for n in range(5)])
    with django_assert_num_queries(QUERIES_PER_COMPLETION):
        assert post(client, lrs_headers, completion()).status_code == 200


# Authentication, consent, the entry and its audit entry, the webhooks that may hear of it,
# badge follow-up, the statement.
QUERIES_PER_COMPLETION = 19
