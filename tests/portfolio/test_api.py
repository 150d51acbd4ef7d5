"""The learning events API: entries, sign-off through the API, evidence, the supervisor's
queue, and who may do what."""

import datetime
import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Role
from portfolio import services
from portfolio.models import Evidence, LearningEvent, ReflectionView, SignOff, Status
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error, token_client
from tests.conftest import member
from tests.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

# The API's own fixtures: personal access tokens, and a cache cleared of throttle counts.
make_token = api_fixtures.make_token
clean_cache = api_fixtures.clean_cache

EVENTS = "/api/v1/events/"
QUEUE = "/api/v1/sign-off-requests/"

needs_file_evidence = pytest.mark.skipif(
    not hasattr(services, "add_file_evidence"),
    reason="services.add_file_evidence is not written yet",
)
needs_link_evidence = pytest.mark.skipif(
    not hasattr(services, "add_link_evidence") or not hasattr(services, "remove_evidence"),
    reason="services.add_link_evidence and remove_evidence are not written yet",
)


def png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def evidence_storage(monkeypatch, tmp_path):
    """Evidence files go to a temporary folder rather than the project's media folder."""
    storage = FileSystemStorage(location=tmp_path)
    for name in ("file", "thumbnail"):
        monkeypatch.setattr(Evidence._meta.get_field(name), "storage", storage)
    return tmp_path


@pytest.fixture
def api_as(make_token):
    """An API client signed in with a personal access token; anonymous for None."""

    def client(user):
        if user is None:
            return APIClient()
        _, secret = make_token(user)
        return token_client(secret)

    return client


@pytest.fixture
def entry(log, trainee, supervisor):
    """An entry taken through the services to the status asked for, with a PNG attached
    first if asked (which needs `evidence_storage`)."""

    def make(state=Status.DRAFT, *, with_file=False, **fields):
        event = log(**fields)
        if with_file:
            services.add_file_evidence(
                event=event, actor=trainee, uploaded_file=SimpleUploadedFile("scan.png", png())
            )
        if state != Status.DRAFT:
            services.submit_for_sign_off(event=event, supervisor=supervisor, actor=trainee)
        if state == Status.RETURNED:
            services.return_entry(event=event, actor=supervisor, comment="Add more detail.")
        elif state == Status.SIGNED_OFF:
            services.approve(event=event, actor=supervisor, comment="Good")
        event.refresh_from_db()
        return event

    return make


@pytest.fixture
def people(enrolled_trainee, other_trainee, supervisor, org_a, org_admin):
    """Everyone the permission matrix asks, by role."""
    today = timezone.localdate()
    ended = member(org_a, Role.SUPERVISOR, email="ended.supervisor@example.org")
    SupervisionFactory(
        supervisor=ended,
        trainee=enrolled_trainee,
        organisation=org_a,
        start_date=today - datetime.timedelta(days=90),
        end_date=today - datetime.timedelta(days=1),
    )
    elsewhere = member(org_a, Role.SUPERVISOR, email="other.supervisor@example.org")
    SupervisionFactory(supervisor=elsewhere, trainee=other_trainee, organisation=org_a)
    return {
        "trainee": enrolled_trainee,
        "other_trainee": other_trainee,
        "supervisor": supervisor,
        "ended_supervisor": ended,
        "other_supervisor": elsewhere,
        "org_admin": org_admin,
        "anonymous": None,
    }


def new_entry(**fields) -> dict:
    return {"kind": "teaching_attended", "title": "Sepsis teaching", "date": "2026-11-02", **fields}


# --- Create, read, update, delete -----------------------------------------------------------------


def test_create_read_update_delete_with_a_token(api_as, enrolled_trainee, fpcs):
    client = api_as(enrolled_trainee)

    response = client.post(
        EVENTS,
        new_entry(
            duration_minutes=90,
            items=[fpcs["FPC1"].pk],
            tags=["Sepsis", "ED"],
            reflection_learned="Give antibiotics within the hour.",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["source"] == "api"
    assert created["cpd_credits"] == "1.50"
    assert created["items"] == [fpcs["FPC1"].pk]
    assert created["tags"] == ["ed", "sepsis"]
    assert created["reflection_learned"] == "Give antibiotics within the hour."
    assert created["trainee"] == {"id": enrolled_trainee.pk, "name": enrolled_trainee.full_name}
    assert created["sign_off"] is None and created["evidence"] == []
    url = f"{EVENTS}{created['id']}/"

    assert client.get(url).json() == created

    response = client.patch(
        url, {"title": "Sepsis six teaching", "tags": ["sepsis"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Sepsis six teaching"
    assert response.json()["tags"] == ["sepsis"]
    assert response.json()["items"] == [fpcs["FPC1"].pk], "PATCH keeps fields not sent"

    response = client.put(url, new_entry(title="Replaced"), format="json")
    assert response.status_code == 200, response.content
    replaced = response.json()
    assert replaced["title"] == "Replaced"
    assert (
        replaced["items"] == [] and replaced["tags"] == [] and replaced["reflection_learned"] == ""
    )

    assert client.delete(url).status_code == 204
    assert not LearningEvent.objects.filter(pk=created["id"]).exists()
    assert_error(client.get(url), 404, "not_found")


def test_create_and_change_with_a_session(enrolled_trainee):
    client = APIClient()
    client.force_login(enrolled_trainee)

    response = client.post(EVENTS, new_entry(), format="json")
    assert response.status_code == 201, response.content
    url = f"{EVENTS}{response.json()['id']}/"
    assert client.patch(url, {"provider": "Deanery"}, format="json").json()["provider"] == "Deanery"
    assert client.get(EVENTS).json()["count"] == 1


def test_a_session_write_without_the_csrf_token_is_refused(enrolled_trainee):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(enrolled_trainee)

    assert_error(client.post(EVENTS, new_entry(), format="json"), 403, "permission_denied")
    assert not LearningEvent.objects.exists()


def test_the_same_external_id_sent_twice_is_one_entry(api_as, enrolled_trainee):
    client = api_as(enrolled_trainee)
    body = new_entry(title="Sepsis e-learning", kind="elearning", external_id="lms-course-42")

    first = client.post(EVENTS, body, format="json")
    again = client.post(EVENTS, {**body, "title": "Sent again"}, format="json")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "Sepsis e-learning", "the first entry is returned as is"
    assert again.json()["external_id"] == "lms-course-42"
    assert LearningEvent.objects.filter(external_id="lms-course-42").count() == 1
    # Without an external id, every POST is a new entry.
    client.post(EVENTS, new_entry(), format="json")
    client.post(EVENTS, new_entry(), format="json")
    assert LearningEvent.objects.count() == 3


def test_the_services_refusals_are_field_errors(api_as, enrolled_trainee, foundation):
    client = api_as(enrolled_trainee)
    outside = foundation.items.first().pk + 100_000

    error = assert_error(client.post(EVENTS, new_entry(cpd_credits="0.3"), format="json"), 400)
    assert error["code"] == "invalid"
    assert "quarter steps" in error["fields"]["cpd_credits"][0]

    error = assert_error(client.post(EVENTS, new_entry(items=[outside]), format="json"), 400)
    assert error["fields"]["items"] == [f"No such curriculum item: {outside}."]

    error = assert_error(client.post(EVENTS, {"title": ""}, format="json"), 400)
    assert set(error["fields"]) == {"kind", "title", "date"}
    assert not LearningEvent.objects.exists()


def test_items_outside_the_trainees_curricula_are_refused(api_as, enrolled_trainee):
    from tests.factories import ItemFactory

    stray = ItemFactory(code="X1")
    response = api_as(enrolled_trainee).post(EVENTS, new_entry(items=[stray.pk]), format="json")

    error = assert_error(response, 400, "invalid")
    assert "Not in the curricula of your programmes: X1" in error["fields"]["items"][0]


# --- Lists: filters, search, visibility, query budget ---------------------------------------------


@pytest.fixture
def filterable(log, entry, fpcs, trainee, supervisor, other_trainee):
    """A few of the trainee's entries that each filter tells apart."""
    return {
        "sepsis": log(
            title="Sepsis teaching", date="2026-10-01", tags=["sepsis"], items=[fpcs["FPC1"]]
        ),
        "clinic": log(kind="clinic", title="Fracture clinic", date="2026-10-15", tags=["ortho"]),
        "reading": entry(
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
    response = api_as(trainee).get(f"{EVENTS}?{query}")

    assert response.status_code == 200, response.content
    titles = {event["title"] for event in response.json()["results"]}
    assert titles == {filterable[name].title for name in expected}


def test_filter_by_trainee_for_a_supervisor_of_two(
    api_as, people, entry, log, other_trainee, org_a
):
    supervisor = people["supervisor"]
    SupervisionFactory(supervisor=supervisor, trainee=other_trainee, organisation=org_a)
    mine = entry(Status.SUBMITTED, title="Trainee's entry")
    theirs, _ = services.log_event(
        trainee=other_trainee, kind="clinic", title="Other trainee's entry", date="2026-11-01"
    )
    services.submit_for_sign_off(event=theirs, supervisor=supervisor, actor=other_trainee)
    client = api_as(supervisor)

    def ids(query):
        return {e["id"] for e in client.get(f"{EVENTS}?{query}").json()["results"]}

    assert ids("") == {mine.pk, theirs.pk}
    assert ids(f"trainee={other_trainee.pk}") == {theirs.pk}
    assert ids(f"trainee={people['trainee'].pk}") == {mine.pk}
    assert ids(f"trainee={people['other_supervisor'].pk}") == set()


@pytest.mark.parametrize("query", ["kind=juggling", "date_from=yesterday", "trainee=me"])
def test_an_invalid_filter_is_a_400(api_as, trainee, query):
    error = assert_error(api_as(trainee).get(f"{EVENTS}?{query}"), 400, "invalid")
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
def test_a_list_holds_only_what_the_caller_may_see(api_as, people, entry, persona, sees):
    events = {state: entry(state, title=state) for state in ("draft", "submitted", "signed_off")}

    response = api_as(people[persona]).get(EVENTS)

    assert response.status_code == 200
    assert {e["id"] for e in response.json()["results"]} == {events[s].pk for s in sees}


@needs_link_evidence
def test_the_list_costs_the_same_queries_for_5_and_50_entries(
    api_as, enrolled_trainee, supervisor, fpcs, log
):
    client = api_as(enrolled_trainee)

    def add(count):
        for i in range(count):
            event = log(title=f"Entry {i}", tags=["sepsis", f"t{i % 3}"], items=[fpcs["FPC1"]])
            services.add_link_evidence(event=event, actor=enrolled_trainee, url="https://e.org/a")
            if i % 2:
                services.submit_for_sign_off(
                    event=event, supervisor=supervisor, actor=enrolled_trainee
                )
                services.approve(event=event, actor=supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(EVENTS)
        assert response.status_code == 200
        return len(captured), response.json()

    add(5)
    client.get(EVENTS)  # the token's first use of the minute records it: not a list's cost
    few, body = queries()
    assert body["count"] == 5
    add(45)
    many, body = queries()
    assert body["count"] == 50 and len(body["results"]) == 50
    assert any(e["sign_off"] for e in body["results"]) and all(
        e["evidence"] for e in body["results"]
    )
    assert many == few, f"{few} queries for 5 entries, {many} for 50"


# --- Changing locked entries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (Status.SUBMITTED, "This entry is waiting for sign-off. Recall the request to change it."),
        (Status.SIGNED_OFF, "This entry is signed off, so it is locked."),
    ],
)
def test_changing_a_locked_entry_is_409_with_the_reason(api_as, trainee, entry, state, message):
    event = entry(state, title="Original")
    client = api_as(trainee)

    for response in (
        client.patch(f"{EVENTS}{event.pk}/", {"title": "Changed"}, format="json"),
        client.put(f"{EVENTS}{event.pk}/", new_entry(title="Changed"), format="json"),
        client.put(f"{EVENTS}{event.pk}/mappings/", {"items": []}, format="json"),
    ):
        error = assert_error(response, 409, "conflict")
        assert error["message"].startswith(message)
    event.refresh_from_db()
    assert event.title == "Original" and event.status == state


@pytest.mark.parametrize("state", [Status.SUBMITTED, Status.RETURNED, Status.SIGNED_OFF])
def test_deleting_an_entry_once_submitted_is_409(api_as, trainee, entry, state):
    event = entry(state)

    error = assert_error(api_as(trainee).delete(f"{EVENTS}{event.pk}/"), 409, "conflict")

    assert "never been submitted" in error["message"]
    assert LearningEvent.objects.filter(pk=event.pk).exists()


# --- Sign-off through the API ---------------------------------------------------------------------


def test_the_full_sign_off_flow(api_as, enrolled_trainee, supervisor, fpcs):
    trainee = enrolled_trainee
    as_trainee, as_supervisor = api_as(trainee), api_as(supervisor)
    created = as_trainee.post(EVENTS, new_entry(items=[fpcs["FPC1"].pk]), format="json")
    event_id = created.json()["id"]
    url = f"{EVENTS}{event_id}/"

    response = as_trainee.post(f"{url}submit/", {"supervisor": supervisor.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["latest_request"]["supervisor"]["id"] == supervisor.pk
    queue = as_supervisor.get(QUEUE).json()["results"]
    assert [(r["event"]["id"], r["event"]["trainee"]["id"]) for r in queue] == [
        (event_id, trainee.pk)
    ]

    error = assert_error(as_supervisor.post(f"{url}return/", {"comment": " "}, format="json"), 400)
    assert "comment" in error["fields"]
    response = as_supervisor.post(f"{url}return/", {"comment": "Add a reflection."}, format="json")
    assert response.json()["status"] == "returned"
    assert as_supervisor.get(QUEUE).json()["results"] == []

    returned = as_trainee.get(url).json()
    assert returned["latest_request"]["outcome"] == "returned"
    assert returned["latest_request"]["comment"] == "Add a reflection."
    as_trainee.patch(url, {"reflection_learned": "Lactate early."}, format="json")
    as_trainee.post(f"{url}submit/", {"supervisor": supervisor.pk}, format="json")

    response = as_supervisor.post(f"{url}approve/", {"comment": "Well done"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "signed_off"
    signed = as_trainee.get(url).json()["sign_off"]
    assert signed["supervisor"]["id"] == supervisor.pk and signed["comment"] == "Well done"
    assert signed["content_matches"] is True
    assert_error(as_supervisor.post(f"{url}approve/", {}, format="json"), 409, "conflict")

    error = assert_error(as_supervisor.post(f"{url}withdraw/", {"reason": ""}, format="json"), 400)
    assert "reason" in error["fields"]
    response = as_supervisor.post(f"{url}withdraw/", {"reason": "Signed too soon"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    assert response.json()["withdrawn_by"]["id"] == supervisor.pk
    after = as_trainee.get(url).json()
    assert after["status"] == "draft" and after["sign_off"] is None
    # A draft is the trainee's alone again.
    assert_error(as_supervisor.get(url), 404, "not_found")


def test_recall_then_change_then_resubmit(api_as, trainee, supervisor, entry):
    event = entry(Status.SUBMITTED)
    client = api_as(trainee)

    response = client.post(f"{EVENTS}{event.pk}/recall/")
    assert response.status_code == 200 and response.json()["status"] == "draft"
    response = client.patch(f"{EVENTS}{event.pk}/", {"title": "Better"}, format="json")
    assert response.status_code == 200
    assert_error(client.post(f"{EVENTS}{event.pk}/recall/"), 409, "conflict")


def test_content_matches_is_false_when_the_signed_entry_was_changed_behind_its_back(
    api_as, trainee, entry
):
    event = entry(Status.SIGNED_OFF, title="As signed")
    LearningEvent.objects.filter(pk=event.pk).update(title="Changed in the database")

    assert (
        api_as(trainee).get(f"{EVENTS}{event.pk}/").json()["sign_off"]["content_matches"] is False
    )


def test_submitting_to_someone_not_your_supervisor_does_not_name_them(
    api_as, trainee, people, entry
):
    event = entry()
    stranger = people["other_supervisor"]

    response = api_as(trainee).post(
        f"{EVENTS}{event.pk}/submit/", {"supervisor": stranger.pk}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert error["fields"]["supervisor"] == ["Not one of the trainee's current supervisors."]
    assert stranger.email not in response.content.decode()
    assert stranger.full_name not in response.content.decode()


def test_mappings_are_replaced_with_item_ids(api_as, trainee, entry, fpcs):
    event = entry(items=[fpcs["FPC1"]])

    response = api_as(trainee).put(
        f"{EVENTS}{event.pk}/mappings/",
        {"items": [fpcs["FPC2"].pk, fpcs["FPC3"].pk]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert sorted(response.json()["items"]) == sorted([fpcs["FPC2"].pk, fpcs["FPC3"].pk])


# --- Reflections ----------------------------------------------------------------------------------

REFLECTION = ["reflection_what_happened", "reflection_learned", "reflection_next_time"]


def test_a_private_reflection_is_left_out_for_the_supervisor(api_as, trainee, supervisor, entry):
    event = entry(Status.SUBMITTED, reflection_learned="Private thoughts")

    for_supervisor = api_as(supervisor).get(f"{EVENTS}{event.pk}/").json()
    for_trainee = api_as(trainee).get(f"{EVENTS}{event.pk}/").json()

    assert not set(REFLECTION) & set(for_supervisor)
    assert "Private thoughts" not in str(for_supervisor)
    assert for_trainee["reflection_learned"] == "Private thoughts"
    assert not ReflectionView.objects.exists()


def test_a_shared_reflection_is_shown_to_the_supervisor_and_the_view_recorded(
    api_as, trainee, supervisor, entry
):
    event = entry(Status.SUBMITTED, reflection_learned="Shared thoughts", reflection_shared=True)

    response = api_as(supervisor).get(f"{EVENTS}{event.pk}/")

    assert response.json()["reflection_learned"] == "Shared thoughts"
    assert list(ReflectionView.objects.values_list("event", "viewer")) == [
        (event.pk, supervisor.pk)
    ]
    # The trainee reading their own reflection is not a view.
    api_as(trainee).get(f"{EVENTS}{event.pk}/")
    assert ReflectionView.objects.count() == 1


def test_lists_never_carry_reflections(api_as, trainee, supervisor, entry):
    entry(Status.SUBMITTED, reflection_learned="Shared thoughts", reflection_shared=True)

    for user in (trainee, supervisor):
        (listed,) = api_as(user).get(EVENTS).json()["results"]
        assert not set(REFLECTION) & set(listed)
    assert not ReflectionView.objects.exists()


# --- Evidence -------------------------------------------------------------------------------------


@needs_file_evidence
def test_upload_a_png_and_download_it_as_an_attachment(
    api_as, trainee, supervisor, entry, evidence_storage
):
    event = entry()
    client = api_as(trainee)
    upload = SimpleUploadedFile("Chest X-ray.png", png(), content_type="image/png")

    response = client.post(
        f"{EVENTS}{event.pk}/evidence/", {"file": upload, "title": "CXR"}, format="multipart"
    )

    assert response.status_code == 201, response.content
    evidence = response.json()
    assert evidence["kind"] == "file" and evidence["title"] == "CXR"
    assert evidence["content_type"] == "image/png" and evidence["size"] > 0
    assert evidence["download_url"].endswith(f"/api/v1/evidence/{evidence['id']}/download/")
    assert client.get(f"{EVENTS}{event.pk}/evidence/").json() == [evidence]
    assert client.get(f"/api/v1/evidence/{evidence['id']}/").json() == evidence

    response = client.get(f"/api/v1/evidence/{evidence['id']}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Chest X-ray.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    # Reading a streamed response to the end closes it (and its file).
    content = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(content)).size == (8, 8)

    # Once the entry is submitted, the supervisor can fetch it too, whatever they say they accept.
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=trainee)
    response = api_as(supervisor).get(
        f"/api/v1/evidence/{evidence['id']}/download/", HTTP_ACCEPT="image/png"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content


@needs_file_evidence
def test_a_download_refused_is_a_json_404_whatever_the_client_accepts(
    api_as, trainee, other_trainee, entry, evidence_storage
):
    event = entry()
    evidence = services.add_file_evidence(
        event=event, actor=trainee, uploaded_file=SimpleUploadedFile("a.png", png())
    )

    response = api_as(other_trainee).get(
        f"/api/v1/evidence/{evidence.pk}/download/", HTTP_ACCEPT="image/png"
    )

    assert_error(response, 404, "not_found")


@needs_file_evidence
def test_a_file_that_is_not_what_it_says_is_refused(api_as, trainee, entry, evidence_storage):
    event = entry()
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not really", content_type="image/png")

    response = api_as(trainee).post(
        f"{EVENTS}{event.pk}/evidence/", {"file": fake}, format="multipart"
    )

    error = assert_error(response, 400, "invalid")
    assert "file" in error["fields"]
    assert not Evidence.objects.exists()


@needs_link_evidence
def test_link_evidence_added_listed_and_removed(api_as, trainee, entry):
    event = entry()
    client = api_as(trainee)

    response = client.post(
        f"{EVENTS}{event.pk}/evidence/",
        {"url": "https://www.nice.org.uk/guidance/ng51", "title": "NG51"},
        format="json",
    )
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["kind"] == "link" and link["download_url"] is None
    assert_error(client.get(f"/api/v1/evidence/{link['id']}/download/"), 404, "not_found")

    error = assert_error(
        client.post(f"{EVENTS}{event.pk}/evidence/", {"url": "javascript:alert(1)"}, format="json"),
        400,
    )
    assert "url" in error["fields"]
    error = assert_error(
        client.post(f"{EVENTS}{event.pk}/evidence/", {"file": "x", "url": "https://a.org"}), 400
    )
    assert error["fields"] == {"non_field_errors": ["Send a file or a link, not both."]}

    assert client.delete(f"/api/v1/evidence/{link['id']}/").status_code == 204
    assert client.get(f"{EVENTS}{event.pk}/evidence/").json() == []


@needs_link_evidence
def test_evidence_cannot_be_added_to_a_locked_entry(api_as, trainee, entry):
    event = entry(Status.SUBMITTED)

    response = api_as(trainee).post(
        f"{EVENTS}{event.pk}/evidence/", {"url": "https://example.org"}, format="json"
    )

    assert_error(response, 409, "conflict")


# --- Who may do what ------------------------------------------------------------------------------

# Each route, the status its entry needs, the body, and who succeeds with what. Everyone else
# gets 404 (the entry does not exist for them) and anonymous callers 401. A 403 means the
# caller can see the entry but the action is not theirs.
ROUTES = {
    "retrieve": ("get", "{event}", Status.SUBMITTED, None, {"trainee": 200, "supervisor": 200}),
    "replace": (
        "put",
        "{event}",
        Status.RETURNED,
        lambda p, i: new_entry(title="Replaced"),
        {"trainee": 200, "supervisor": 403},
    ),
    "change": (
        "patch",
        "{event}",
        Status.RETURNED,
        lambda p, i: {"title": "Changed"},
        {"trainee": 200, "supervisor": 403},
    ),
    "delete": ("delete", "{event}", Status.DRAFT, None, {"trainee": 204}),
    "submit": (
        "post",
        "{event}submit/",
        Status.DRAFT,
        lambda p, i: {"supervisor": p["supervisor"].pk},
        {"trainee": 200},
    ),
    "recall": (
        "post",
        "{event}recall/",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 403},
    ),
    "approve": (
        "post",
        "{event}approve/",
        Status.SUBMITTED,
        lambda p, i: {},
        {"trainee": 409, "supervisor": 200},
    ),
    "return": (
        "post",
        "{event}return/",
        Status.SUBMITTED,
        lambda p, i: {"comment": "More, please."},
        {"trainee": 409, "supervisor": 200},
    ),
    "withdraw": (
        "post",
        "{event}withdraw/",
        Status.SIGNED_OFF,
        lambda p, i: {"reason": "Too soon."},
        {"trainee": 403, "supervisor": 200},
    ),
    "mappings": (
        "put",
        "{event}mappings/",
        Status.RETURNED,
        lambda p, i: {"items": [i]},
        {"trainee": 200, "supervisor": 403},
    ),
    "list evidence": (
        "get",
        "{event}evidence/",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 200},
    ),
    "add evidence": (
        "post",
        "{event}evidence/",
        Status.RETURNED,
        lambda p, i: {"url": "https://example.org/certificate"},
        {"trainee": 201, "supervisor": 403},
    ),
    "read evidence": (
        "get",
        "{evidence}",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 200},
    ),
    "remove evidence": (
        "delete",
        "{evidence}",
        Status.RETURNED,
        None,
        {"trainee": 204, "supervisor": 403},
    ),
    "download": (
        "get",
        "{evidence}download/",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 200},
    ),
}
EVIDENCE_ROUTES = {"list evidence", "add evidence", "read evidence", "remove evidence", "download"}
PERSONAS = [
    "trainee",
    "other_trainee",
    "supervisor",
    "ended_supervisor",
    "other_supervisor",
    "org_admin",
    "anonymous",
]
CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found", 409: "conflict"}


def _matrix():
    for route in ROUTES:
        marks = [needs_file_evidence, needs_link_evidence] if route in EVIDENCE_ROUTES else []
        for persona in PERSONAS:
            yield pytest.param(route, persona, marks=marks, id=f"{route}-{persona}")


@pytest.mark.parametrize(("route", "persona"), list(_matrix()))
def test_permission_matrix(api_as, people, entry, fpcs, evidence_storage, route, persona):
    method, path, state, body, allowed = ROUTES[route]
    event = entry(state, items=[fpcs["FPC1"]], with_file=route in EVIDENCE_ROUTES)
    evidence = event.evidence.first()
    url = path.format(
        event=f"{EVENTS}{event.pk}/",
        evidence=f"/api/v1/evidence/{evidence.pk}/" if evidence else "",
    )
    before = LearningEvent.objects.filter(pk=event.pk).values().get()
    evidence_before = Evidence.objects.count()
    client = api_as(people[persona])

    if method == "get":
        response = client.get(url)
    else:
        data = body(people, fpcs["FPC2"].pk) if body else None
        response = getattr(client, method)(url, data, format="json")

    expected = 401 if persona == "anonymous" else allowed.get(persona, 404)
    if expected >= 400:
        assert_error(response, expected, CODES[expected])
        # A refusal changes nothing.
        assert LearningEvent.objects.filter(pk=event.pk).values().get() == before
        assert Evidence.objects.count() == evidence_before
        assert SignOff.objects.filter(event=event).count() == (state == Status.SIGNED_OFF)
    else:
        assert response.status_code == expected, getattr(response, "content", b"")
        if response.streaming:
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_holds_only_requests_addressed_to_the_caller(api_as, people, entry, persona):
    event = entry(Status.SUBMITTED)

    response = api_as(people[persona]).get(QUEUE)

    if persona == "anonymous":
        assert_error(response, 401, "not_authenticated")
        return
    queued = [r["event"]["id"] for r in response.json()["results"]]
    assert queued == ([event.pk] if persona == "supervisor" else [])


@pytest.mark.parametrize("url", [EVENTS, f"{EVENTS}1/", "/api/v1/evidence/1/", QUEUE])
def test_anonymous_callers_are_told_to_authenticate(url):
    response = APIClient().get(url)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_id_that_is_not_a_number_is_a_404(api_as, trainee):
    client = api_as(trainee)
    assert_error(client.get(f"{EVENTS}abc/"), 404, "not_found")
    assert_error(client.get("/api/v1/evidence/abc/download/"), 404, "not_found")
