"""Who may do what in the learning entries API: every route for every persona, the
supervisor's queue, and anonymous callers."""

import pytest
from rest_framework.test import APIClient

from portfolio.models import Evidence, LearningEntry, SignOff, Status
from tests.api.conftest import assert_error
from tests.portfolio.api.conftest import ENTRIES, QUEUE, new_entry

pytestmark = pytest.mark.django_db


# --- Who may do what ------------------------------------------------------------------------------

# Each route, the status its entry needs, the body, and who succeeds with what. Everyone else
# gets 404 (the entry does not exist for them) and anonymous callers 401. A 403 means the
# caller can see the entry but the action is not theirs.
ROUTES = {
    "retrieve": ("get", "{entry}", Status.SUBMITTED, None, {"trainee": 200, "supervisor": 200}),
    "replace": (
        "put",
        "{entry}",
        Status.RETURNED,
        lambda p, i: new_entry(title="Replaced"),
        {"trainee": 200, "supervisor": 403},
    ),
    "change": (
        "patch",
        "{entry}",
        Status.RETURNED,
        lambda p, i: {"title": "Changed"},
        {"trainee": 200, "supervisor": 403},
    ),
    "delete": ("delete", "{entry}", Status.DRAFT, None, {"trainee": 204}),
    "submit": (
        "post",
        "{entry}submit/",
        Status.DRAFT,
        lambda p, i: {"supervisor": p["supervisor"].pk},
        {"trainee": 200},
    ),
    "recall": (
        "post",
        "{entry}recall/",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 403},
    ),
    "approve": (
        "post",
        "{entry}approve/",
        Status.SUBMITTED,
        lambda p, i: {},
        {"trainee": 409, "supervisor": 200},
    ),
    "return": (
        "post",
        "{entry}return/",
        Status.SUBMITTED,
        lambda p, i: {"comment": "More, please."},
        {"trainee": 409, "supervisor": 200},
    ),
    "withdraw": (
        "post",
        "{entry}withdraw/",
        Status.SIGNED_OFF,
        lambda p, i: {"reason": "Too soon."},
        {"trainee": 403, "supervisor": 200},
    ),
    "mappings": (
        "put",
        "{entry}mappings/",
        Status.RETURNED,
        lambda p, i: {"items": [i]},
        {"trainee": 200, "supervisor": 403},
    ),
    "list evidence": (
        "get",
        "{entry}evidence/",
        Status.SUBMITTED,
        None,
        {"trainee": 200, "supervisor": 200},
    ),
    "add evidence": (
        "post",
        "{entry}evidence/",
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
        for persona in PERSONAS:
            yield pytest.param(route, persona, id=f"{route}-{persona}")


@pytest.mark.parametrize(("route", "persona"), list(_matrix()))
def test_permission_matrix(api_as, people, make_entry, fpcs, evidence_storage, route, persona):
    method, path, state, body, allowed = ROUTES[route]
    entry = make_entry(state, items=[fpcs["FPC1"]], with_file=route in EVIDENCE_ROUTES)
    evidence = entry.evidence.first()
    url = path.format(
        entry=f"{ENTRIES}{entry.pk}/",
        evidence=f"/api/v1/evidence/{evidence.pk}/" if evidence else "",
    )
    before = LearningEntry.objects.filter(pk=entry.pk).values().get()
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
        assert LearningEntry.objects.filter(pk=entry.pk).values().get() == before
        assert Evidence.objects.count() == evidence_before
        assert SignOff.objects.filter(entry=entry).count() == (state == Status.SIGNED_OFF)
    else:
        assert response.status_code == expected, getattr(response, "content", b"")
        if response.streaming:
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_queue_holds_only_requests_addressed_to_the_caller(api_as, people, make_entry, persona):
    entry = make_entry(Status.SUBMITTED)

    response = api_as(people[persona]).get(QUEUE)

    if persona == "anonymous":
        assert_error(response, 401, "not_authenticated")
        return
    queued = [r["event"]["id"] for r in response.json()["results"]]
    assert queued == ([entry.pk] if persona == "supervisor" else [])


@pytest.mark.parametrize("url", [ENTRIES, f"{ENTRIES}1/", "/api/v1/evidence/1/", QUEUE])
def test_anonymous_callers_are_told_to_authenticate(url):
    response = APIClient().get(url)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_id_that_is_not_a_number_is_a_404(api_as, trainee):
    client = api_as(trainee)
    assert_error(client.get(f"{ENTRIES}abc/"), 404, "not_found")
    assert_error(client.get("/api/v1/evidence/abc/download/"), 404, "not_found")
