"""Programmes through the API: read as before by the people in them; created and changed by
the admins of the programme's organisation, as the programme pages do."""

import pytest

from curriculum.models import Programme, Requirement
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error
from tests.curriculum.api.conftest import NOT_ITS_ADMINS, PROGRAMMES
from tests.curriculum.programme_pages import day, item
from tests.factories import framework_with_tree

pytestmark = pytest.mark.django_db


def programme_url(programme):
    return f"{PROGRAMMES}{programme.pk}/"


# --- Reading, as before ------------------------------------------------------------------------


def test_a_trainee_reads_the_programmes_they_are_enrolled_in_as_before(
    programme, programme_trainee, org_a
):
    client = client_for(programme_trainee)
    framework = programme.frameworks.get()
    expected = {
        "id": programme.pk,
        "name": "Foundation Year 1",
        "organisation": org_a.slug,
        "frameworks": [framework.pk],
        "start_date": str(programme.start_date),
        "end_date": None,
    }

    assert client.get(PROGRAMMES).json()["results"] == [expected]
    assert client.get(programme_url(programme)).json() == expected


def test_a_programme_nobody_let_them_into_is_not_found(programme, other_trainee):
    client = client_for(other_trainee)
    assert client.get(PROGRAMMES).json()["results"] == []
    assert_error(client.get(programme_url(programme)), 404, "not_found")


# --- Creating ----------------------------------------------------------------------------------


def test_an_admin_creates_a_programme(admin_api, org_a, org_admin):
    framework = framework_with_tree(1, 2)

    response = admin_api.post(
        PROGRAMMES,
        {
            "organisation": org_a.slug,
            "name": "Foundation Year 2",
            "frameworks": [framework.pk],
            "start_date": str(day(0)),
            "end_date": str(day(365)),
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    programme = Programme.objects.get(name="Foundation Year 2")
    assert response.json() == {
        "id": programme.pk,
        "name": "Foundation Year 2",
        "organisation": org_a.slug,
        "frameworks": [framework.pk],
        "start_date": str(day(0)),
        "end_date": str(day(365)),
    }
    assert (programme.organisation, list(programme.frameworks.all())) == (org_a, [framework])
    # Its admin reads it with the others they administer.
    assert programme.pk in [p["id"] for p in admin_api.get(PROGRAMMES).json()["results"]]
    (entry,) = audited("create_programme")
    assert (entry["actor_id"], entry["object_id"]) == (org_admin.pk, str(programme.pk))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation": "org-b"}, "organisation", "Not an organisation you administer."),
        ({"organisation": "nowhere"}, "organisation", "Not an organisation you administer."),
        ({"frameworks": []}, "frameworks", "This list may not be empty."),
        ({"end_date": -1}, "end_date", "The end date cannot be before the start date."),
        ({"name": ""}, "name", "This field may not be blank."),
    ],
    ids=["another-organisation", "no-organisation", "no-framework", "ends-early", "no-name"],
)
def test_the_pages_refusals_are_field_errors(admin_api, org_a, org_b, change, field, message):
    framework = framework_with_tree(1, 1)
    body = {
        "organisation": org_a.slug,
        "name": "Foundation Year 2",
        "frameworks": [framework.pk],
        "start_date": str(day(0)),
    }
    body.update(change)
    if field == "end_date":
        body["end_date"] = str(day(change["end_date"]))

    error = assert_error(admin_api.post(PROGRAMMES, body, format="json"), 400, "invalid")

    assert error["fields"] == {field: [message]}
    assert not Programme.objects.filter(name="Foundation Year 2").exists()


def test_a_trainee_creates_no_programme(programme_trainee, org_a, programme):
    response = client_for(programme_trainee).post(
        PROGRAMMES,
        {
            "organisation": org_a.slug,
            "name": "Mine",
            "frameworks": [programme.frameworks.get().pk],
            "start_date": str(day(0)),
        },
        format="json",
    )

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["organisation"]
    assert not Programme.objects.filter(name="Mine").exists()


# --- Changing ----------------------------------------------------------------------------------


def test_an_admin_changes_some_fields_and_the_rest_stay(admin_api, programme):
    framework = programme.frameworks.get()

    response = admin_api.patch(
        programme_url(programme), {"name": "FY1 (August)", "end_date": str(day(300))}, format="json"
    )

    assert response.status_code == 200, response.content
    programme.refresh_from_db()
    assert (programme.name, programme.end_date) == ("FY1 (August)", day(300))
    assert list(programme.frameworks.all()) == [framework]
    assert response.json()["frameworks"] == [framework.pk]
    (entry,) = audited("update_programme")
    assert entry["payload"]["frameworks"] == [framework.pk]


def test_a_framework_the_programme_still_requires_is_not_dropped(admin_api, programme):
    framework = programme.frameworks.get()
    Requirement.objects.create(programme=programme, item=item(framework, "R1.1"))
    other = framework_with_tree(1, 1)

    response = admin_api.patch(programme_url(programme), {"frameworks": [other.pk]}, format="json")

    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {
        "frameworks": [
            "Remove the requirements on a framework's items before removing the framework."
        ]
    }
    assert list(programme.frameworks.all()) == [framework]


def test_an_end_before_the_start_is_refused(admin_api, programme):
    end = programme.start_date.replace(year=programme.start_date.year - 1)

    response = admin_api.patch(programme_url(programme), {"end_date": str(end)}, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["end_date"]


@pytest.mark.parametrize(("persona", "answer"), NOT_ITS_ADMINS)
def test_only_its_admins_change_a_programme(request, programme, enrolment, persona, answer):
    client = client_for(request.getfixturevalue(persona))

    response = client.patch(programme_url(programme), {"name": "Taken over"}, format="json")

    assert_error(response, answer)
    programme.refresh_from_db()
    assert programme.name == "Foundation Year 1"


@pytest.mark.parametrize("programme_id", ["987654", "null"])
def test_a_programme_that_does_not_exist_is_not_found(admin_api, programme_id):
    response = admin_api.patch(f"{PROGRAMMES}{programme_id}/", {"name": "X"}, format="json")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"frameworks": [-54681454222452645888, 2**63]},
        {"organisation": "\u0000p7"},
    ],
    ids=["ids beyond any id", "a NUL in a slug"],
)
def test_input_no_database_can_hold_is_a_field_error(admin_api, org_a, body):
    sent = {"name": "F1", "organisation": org_a.slug, "frameworks": [1], **body}
    sent.setdefault("start_date", "2026-08-01")
    response = admin_api.post(PROGRAMMES, sent, format="json")
    assert response.status_code == 400, response.content
    assert set(body) & set(response.json()["error"]["fields"])
