"""Signing off several entries at once through the API, as the sign-off queue's batch does:
each request's entry in a transaction of its own, and an answer that says which were signed
off and which were not, and why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role, Supervision
from audit.models import AuditEntry
from core.api import MAX_ID
from portfolio import services
from portfolio.models import SignOff, SignOffRequest, Status
from tests.api.conftest import assert_error
from tests.conftest import member
from tests.factories import SupervisionFactory
from tests.portfolio.api.conftest import ENTRIES, QUEUE

pytestmark = pytest.mark.django_db

BATCH = f"{QUEUE}approve/"


@pytest.fixture
def queue(log, submit, org_a, supervisor):
    """Three requests waiting for the supervisor: two of the trainee's, one of another
    trainee they supervise."""
    second = member(org_a, Role.TRAINEE, full_name="Dr Second Trainee")
    SupervisionFactory(supervisor=supervisor, trainee=second, organisation=org_a)
    reading, _ = services.log_entry(
        actor=second, kind="reading", title="NICE sepsis guideline", date="2026-11-02"
    )
    return {
        "teaching": submit(log(title="Sepsis teaching")),
        "clinic": submit(log(title="Asthma clinic", kind="clinic")),
        "reading": services.submit_for_sign_off(entry=reading, supervisor=supervisor, actor=second),
    }


def test_the_requests_listed_in_the_queue_are_signed_off_each_through_the_service(
    api_as, supervisor, queue
):
    client = api_as(supervisor)
    listed = {r["event"]["title"]: r["id"] for r in client.get(QUEUE).json()["results"]}
    chosen = [listed["Sepsis teaching"], listed["NICE sepsis guideline"]]

    response = client.post(
        BATCH, {"requests": chosen, "comment": "Discussed at our meeting."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "signed_off": [
            {"request": queue["teaching"].pk, "event": queue["teaching"].entry_id},
            {"request": queue["reading"].pk, "event": queue["reading"].entry_id},
        ],
        "refused": [],
        "unknown": [],
    }
    for request in (queue["teaching"], queue["reading"]):
        request.refresh_from_db()
        assert request.outcome == SignOffRequest.Outcome.APPROVED
        assert request.entry.status == Status.SIGNED_OFF
        assert request.sign_off.comment == "Discussed at our meeting."
        assert AuditEntry.objects.filter(action="approve", object_id=str(request.entry_id)).exists()
    assert [r["event"]["title"] for r in client.get(QUEUE).json()["results"]] == ["Asthma clinic"]


def test_a_request_recalled_since_it_was_listed_is_reported_stale_and_the_rest_signed_off(
    api_as, supervisor, queue, enrolled_trainee
):
    services.recall_request(entry=queue["clinic"].entry, actor=enrolled_trainee)

    response = api_as(supervisor).post(
        BATCH, {"requests": [queue["teaching"].pk, queue["clinic"].pk]}, format="json"
    )

    body = response.json()
    assert body["signed_off"] == [
        {"request": queue["teaching"].pk, "event": queue["teaching"].entry_id}
    ]
    assert body["refused"] == [
        {
            "request": queue["clinic"].pk,
            "event": queue["clinic"].entry_id,
            "stale": True,
            "reason": "It is no longer waiting for your sign-off: it was recalled by the trainee.",
        }
    ]
    assert SignOff.objects.get().entry_id == queue["teaching"].entry_id


def test_an_entry_sent_again_is_not_signed_off_through_its_old_request(
    api_as, supervisor, queue, enrolled_trainee, submit
):
    entry = queue["clinic"].entry
    services.recall_request(entry=entry, actor=enrolled_trainee)
    services.update_entry(entry=entry, actor=enrolled_trainee, title="Asthma clinic, rewritten")
    submit(entry)

    body = api_as(supervisor).post(BATCH, {"requests": [queue["clinic"].pk]}, format="json").json()

    assert [r["stale"] for r in body["refused"]] == [True]
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED and not SignOff.objects.exists()


def test_a_supervision_ended_refuses_every_request_by_rule_not_as_stale(api_as, supervisor, queue):
    client = api_as(supervisor)
    Supervision.objects.filter(supervisor=supervisor).update(
        end_date=timezone.localdate() - timedelta(days=1)
    )

    body = client.post(
        BATCH, {"requests": [queue["teaching"].pk, queue["reading"].pk]}, format="json"
    ).json()

    assert body["signed_off"] == []
    assert [(r["stale"], r["reason"]) for r in body["refused"]] == [
        (False, "Your supervision of this trainee has ended."),
    ] * 2
    assert not SignOff.objects.exists()


def test_requests_not_sent_to_the_caller_are_left_alone_and_only_their_ids_repeated(
    api_as, queue, people, other_trainee
):
    other_supervisor = people["other_supervisor"]
    entry, _ = services.log_entry(
        actor=other_trainee, kind="reading", title="Their reading", date="2026-11-02"
    )
    theirs = services.submit_for_sign_off(
        entry=entry, supervisor=other_supervisor, actor=other_trainee
    )

    response = api_as(other_supervisor).post(
        BATCH, {"requests": [queue["teaching"].pk, theirs.pk, 987654]}, format="json"
    )

    assert response.json() == {
        "signed_off": [{"request": theirs.pk, "event": entry.pk}],
        "refused": [],
        "unknown": [queue["teaching"].pk, 987654],
    }
    assert "Sepsis teaching" not in response.content.decode()
    assert list(SignOff.objects.values_list("entry__title", flat=True)) == ["Their reading"]


def test_a_trainee_signs_nothing_off(api_as, trainee, queue):
    response = api_as(trainee).post(BATCH, {"requests": [queue["teaching"].pk]}, format="json")

    assert response.json()["unknown"] == [queue["teaching"].pk]
    assert not SignOff.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requests": []}, "requests"),
        ({}, "requests"),
        ({"requests": ["x"]}, "requests"),
        ({"requests": [MAX_ID + 1]}, "requests"),
        ({"requests": list(range(1, 102))}, "requests"),
        ({"requests": [1], "comment": "x" * 10001}, "comment"),
    ],
)
def test_what_cannot_be_a_batch_is_refused_by_the_field(api_as, supervisor, queue, body, field):
    error = assert_error(api_as(supervisor).post(BATCH, body, format="json"), 400, "invalid")

    assert set(error["fields"]) == {field}
    assert not SignOff.objects.exists()


def test_the_signed_off_entries_read_as_signed_off(api_as, supervisor, trainee, queue):
    api_as(supervisor).post(BATCH, {"requests": [queue["teaching"].pk]}, format="json")

    entry = api_as(trainee).get(f"{ENTRIES}{queue['teaching'].entry_id}/").json()

    assert entry["status"] == "signed_off"
    assert entry["sign_off"]["supervisor"]["id"] == supervisor.pk
