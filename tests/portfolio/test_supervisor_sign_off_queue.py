"""The sign-off queue: filtered by trainee, kind and how long a request has waited, and
several entries signed off at once after a page that lists them. Each is signed off on its
own, through the same service as one entry's page; one that stopped waiting since the
supervisor confirmed is reported, not signed off, and does not hold back the others."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from portfolio import services
from portfolio.models import SignOff, SignOffRequest, Status
from tests.conftest import member
from tests.factories import EnrolmentFactory, SupervisionFactory
from tests.helpers import assert_inline_error, messages_of, queries_for

pytestmark = pytest.mark.django_db

QUEUE = reverse("portfolio:sign_off_queue")
BATCH = reverse("portfolio:sign_off_batch")


def titles_on(response) -> list[str]:
    return re.findall(r'class="entry-title">([^<]+)<', response.content.decode())


@pytest.fixture
def second_trainee(org_a, supervisor, enrolled_trainee):
    """Another trainee of the same supervisor, in the same programme."""
    person = member(org_a, Role.TRAINEE, full_name="Dr Second Trainee")
    SupervisionFactory(supervisor=supervisor, trainee=person, organisation=org_a)
    EnrolmentFactory(trainee=person, programme=enrolled_trainee.enrolments.get().programme)
    return person


@pytest.fixture
def queue(log, submit, second_trainee, supervisor):
    """Three requests: the trainee's teaching (sent 10 days ago) and clinic (2 days ago), and
    the second trainee's reading (sent today)."""
    now = timezone.now()
    teaching = submit(log(title="Sepsis teaching", kind="teaching_attended"))
    clinic = submit(log(title="Asthma clinic", kind="clinic"))
    SignOffRequest.objects.filter(pk=teaching.pk).update(requested_at=now - timedelta(days=10))
    SignOffRequest.objects.filter(pk=clinic.pk).update(requested_at=now - timedelta(days=2))
    reading, _ = services.log_entry(
        actor=second_trainee, kind="reading", title="NICE sepsis guideline", date="2026-11-02"
    )
    read = services.submit_for_sign_off(entry=reading, supervisor=supervisor, actor=second_trainee)
    return {"teaching": teaching, "clinic": clinic, "reading": read}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Sepsis teaching", "Asthma clinic", "NICE sepsis guideline"]),
        ({"kind": "clinic"}, ["Asthma clinic"]),
        ({"waiting": "7"}, ["Sepsis teaching"]),
        ({"kind": "teaching_attended", "waiting": "14"}, []),
    ],
)
def test_the_queue_filters_by_kind_and_time_waiting(client, supervisor, queue, query, expected):
    client.force_login(supervisor)

    response = client.get(QUEUE, query)

    assert response.status_code == 200
    assert titles_on(response) == expected
    text = response.content.decode()
    for label in ("Trainee:", "Kind:", "Waiting:"):
        assert f">{label}</label>" in text


def test_the_queue_filters_by_trainee_among_the_supervisors_own(
    client, supervisor, queue, second_trainee, enrolled_trainee, other_trainee
):
    client.force_login(supervisor)

    mine = client.get(QUEUE, {"trainee": second_trainee.pk})
    someone_elses = client.get(QUEUE, {"trainee": other_trainee.pk})

    assert titles_on(mine) == ["NICE sepsis guideline"]
    choices = re.search(r'<select name="trainee".*?</select>', mine.content.decode(), re.S)
    options = re.findall(r'<option value="(\d+)"', choices.group())
    assert sorted(options) == sorted([str(enrolled_trainee.pk), str(second_trainee.pk)])
    # Not one of theirs: the choice is refused beside the field and the whole queue shown.
    assert "Select a valid choice" in someone_elses.content.decode()
    assert len(titles_on(someone_elses)) == 3


def test_confirming_lists_the_entries_ticked_and_signs_nothing_off(client, supervisor, queue):
    client.force_login(supervisor)
    ticked = [queue["teaching"].pk, queue["reading"].pk]

    response = client.get(BATCH, {"request": ticked})

    assert response.status_code == 200
    assert sorted(titles_on(response)) == ["NICE sepsis guideline", "Sepsis teaching"]
    text = response.content.decode()
    for pk in ticked:
        assert f'<input type="hidden" name="request" value="{pk}">' in text
    assert not SignOff.objects.exists()


def test_confirming_signs_off_each_entry_through_the_sign_off_service(
    client, supervisor, queue, enrolled_trainee
):
    client.force_login(supervisor)
    ticked = [queue["teaching"].pk, queue["reading"].pk]

    response = client.post(BATCH, {"request": ticked, "comment": "Discussed at our meeting."})

    assert response.status_code == 302 and response.url == QUEUE
    assert messages_of(response) == ["You signed off 2 entries."]
    for request in (queue["teaching"], queue["reading"]):
        request.refresh_from_db()
        assert request.outcome == SignOffRequest.Outcome.APPROVED
        assert request.entry.status == Status.SIGNED_OFF
        sign_off = request.sign_off
        assert sign_off.supervisor == supervisor and sign_off.comment == "Discussed at our meeting."
        assert AuditEntry.objects.filter(action="approve", object_id=str(request.entry_id)).exists()
    queue["clinic"].refresh_from_db()
    assert queue["clinic"].outcome == SignOffRequest.Outcome.OPEN


def test_an_entry_recalled_after_confirming_is_reported_and_the_rest_signed_off(
    client, supervisor, queue, enrolled_trainee
):
    client.force_login(supervisor)
    ticked = [queue["teaching"].pk, queue["clinic"].pk]
    client.get(BATCH, {"request": ticked})
    services.recall_request(entry=queue["clinic"].entry, actor=enrolled_trainee)

    response = client.post(BATCH, {"request": ticked})

    assert messages_of(response) == [
        "You signed off 1 entry.",
        "“Asthma clinic” was not signed off. It is no longer waiting for your sign-off: it "
        "was recalled by the trainee.",
    ]
    assert SignOff.objects.get().entry == queue["teaching"].entry


def test_an_entry_recalled_and_sent_again_is_not_signed_off_unseen(
    client, supervisor, queue, enrolled_trainee, submit
):
    # The trainee could have changed it in between: the supervisor has not seen it as it is.
    client.force_login(supervisor)
    entry = queue["clinic"].entry
    services.recall_request(entry=entry, actor=enrolled_trainee)
    services.update_entry(entry=entry, actor=enrolled_trainee, title="Asthma clinic, rewritten")
    submit(entry)

    response = client.post(BATCH, {"request": [queue["clinic"].pk]})

    assert "was not signed off" in messages_of(response)[0]
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED and not SignOff.objects.exists()


def test_an_entry_already_decided_is_reported(client, supervisor, queue):
    services.return_entry(entry=queue["clinic"].entry, actor=supervisor, comment="Add a date.")
    client.force_login(supervisor)

    response = client.post(BATCH, {"request": [queue["clinic"].pk]})

    assert messages_of(response) == [
        "“Asthma clinic” was not signed off. It is no longer waiting for your sign-off: it "
        "was returned to the trainee."
    ]


def test_a_supervision_ended_since_confirming_signs_nothing_off(client, supervisor, queue):
    from accounts.models import Supervision

    client.force_login(supervisor)
    Supervision.objects.filter(supervisor=supervisor).update(
        end_date=timezone.localdate() - timedelta(days=1)
    )

    response = client.post(BATCH, {"request": [queue["teaching"].pk, queue["reading"].pk]})

    assert len(messages_of(response)) == 2
    assert all("Your supervision of this trainee has ended" in m for m in messages_of(response))
    assert not SignOff.objects.exists()


def test_another_supervisors_requests_are_not_signed_off_or_named(
    client, queue, other_supervisor, other_trainee, org_a
):
    entry, _ = services.log_entry(
        actor=other_trainee, kind="reading", title="Their reading", date="2026-11-02"
    )
    theirs = services.submit_for_sign_off(
        entry=entry, supervisor=other_supervisor, actor=other_trainee
    )
    client.force_login(other_supervisor)

    confirm = client.get(BATCH, {"request": [queue["teaching"].pk, theirs.pk]})
    response = client.post(BATCH, {"request": [queue["teaching"].pk, theirs.pk]})

    assert titles_on(confirm) == ["Their reading"]
    assert "Sepsis teaching" not in confirm.content.decode()
    assert messages_of(response) == [
        "You signed off 1 entry.",
        "1 request chosen was not sent to you, and left alone.",
    ]
    assert list(SignOff.objects.values_list("entry__title", flat=True)) == ["Their reading"]


def test_a_comment_too_long_is_refused_beside_the_field_and_nothing_signed_off(
    client, supervisor, queue
):
    client.force_login(supervisor)

    response = client.post(BATCH, {"request": [queue["teaching"].pk], "comment": "x" * 10_001})

    assert response.status_code == 200
    assert_inline_error(
        response, "comment", "Ensure this value has at most 10000 characters (it has 10001)."
    )
    assert not SignOff.objects.exists()


@pytest.mark.parametrize("ticked", [[], ["x"], ["²"], ["9" * 40]])
def test_nothing_ticked_goes_back_to_the_queue(client, supervisor, queue, ticked):
    client.force_login(supervisor)

    response = client.get(BATCH, {"request": ticked})

    assert response.status_code == 302 and response.url == QUEUE
    assert messages_of(response) == ["Tick the entries you want to sign off first."]


def test_the_queue_and_confirmation_cost_the_same_for_30_requests_as_for_3(
    client, supervisor, log, submit, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            submit(log(title=f"Module {n}", kind="elearning"))

    client.force_login(supervisor)
    add(3)
    client.get(QUEUE)

    def confirm_url():
        ids = SignOffRequest.objects.values_list("pk", flat=True)
        return BATCH + "?" + "&".join(f"request={pk}" for pk in ids)

    few_queue, few_confirm = (
        queries_for(client, QUEUE + "?kind=elearning"),
        queries_for(client, confirm_url()),
    )
    add(27)

    # Session, user and roles; the trainee choices, rendered; the count and the page.
    with django_assert_num_queries(6):
        client.get(QUEUE + "?kind=elearning")
    url = confirm_url()
    # Session, user and roles; the requests chosen with their entries and trainees.
    with django_assert_num_queries(4):
        client.get(url)
    assert (few_queue, few_confirm) == (6, 4)
