"""What a programme requires, through the API, for the admins of its organisation: one item
at a time, every item at one level, and removing one — as the requirement pages do."""

import pytest

from curriculum.models import Requirement
from tests.accounts.api.conftest import audited, client_for
from tests.api.conftest import assert_error
from tests.curriculum.api.conftest import NOT_ITS_ADMINS, PROGRAMMES
from tests.curriculum.programme_pages import item, programme_on, required_codes
from tests.factories import framework_with_tree

pytestmark = pytest.mark.django_db


def requirements_url(programme):
    return f"{PROGRAMMES}{programme.pk}/requirements/"


def bulk_url(programme):
    return f"{requirements_url(programme)}bulk/"


def requirement_url(requirement):
    return f"{requirements_url(requirement.programme)}{requirement.pk}/"


@pytest.fixture
def framework(programme):
    return programme.frameworks.get()


def test_an_admin_requires_an_item(admin_api, programme, framework, org_admin):
    r23 = item(framework, "R2.3")

    response = admin_api.post(
        requirements_url(programme),
        {"item": r23.pk, "min_entries": 3, "signed_off_required": False},
        format="json",
    )

    assert response.status_code == 201, response.content
    requirement = Requirement.objects.get(programme=programme)
    assert response.json() == {
        "id": requirement.pk,
        "item": {"id": r23.pk, "framework": framework.pk, "code": "R2.3", "title": r23.title},
        "min_entries": 3,
        "signed_off_required": False,
    }
    (entry,) = audited("set_requirement")
    assert entry["actor_id"] == org_admin.pk
    assert entry["payload"]["min_entries"] == 3


def test_requiring_an_item_again_changes_its_terms(admin_api, programme, framework):
    r11 = item(framework, "R1.1")
    existing = Requirement.objects.create(programme=programme, item=r11, min_entries=1)

    response = admin_api.post(
        requirements_url(programme), {"item": r11.pk, "min_entries": 4}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["id"] == existing.pk
    existing.refresh_from_db()
    assert (existing.min_entries, existing.signed_off_required) == (4, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"min_entries": 0}, "min_entries"),
        ({"min_entries": 101}, "min_entries"),
        ({"item": None}, "item"),
    ],
    ids=["none-needed", "too-many", "no-item"],
)
def test_invalid_terms_are_field_errors(admin_api, programme, framework, body, field):
    fields = {"item": item(framework, "R1.1").pk, **body}

    error = assert_error(
        admin_api.post(requirements_url(programme), fields, format="json"), 400, "invalid"
    )

    assert list(error["fields"]) == [field]
    assert not Requirement.objects.exists()


def test_an_item_of_another_framework_is_refused(admin_api, programme):
    elsewhere = item(framework_with_tree(1, 1), "R1")

    error = assert_error(
        admin_api.post(requirements_url(programme), {"item": elsewhere.pk}, format="json"), 400
    )

    assert error["fields"] == {"item": ["Not an item of this programme's frameworks."]}
    assert not Requirement.objects.exists()


def test_every_leaf_is_required_at_once_and_those_required_keep_their_terms(
    admin_api, programme, framework
):
    kept = Requirement.objects.create(
        programme=programme, item=item(framework, "R1.1"), min_entries=5
    )

    response = admin_api.post(
        bulk_url(programme), {"level": "leaves", "min_entries": 2}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"added": 5}
    assert required_codes(programme) == {"R1.1", "R1.2", "R1.3", "R2.1", "R2.2", "R2.3"}
    kept.refresh_from_db()
    assert kept.min_entries == 5
    assert admin_api.post(bulk_url(programme), {}, format="json").json() == {"added": 0}
    (entry,) = audited("require_level")
    assert entry["payload"]["level"] == "leaves"


def test_the_top_level_is_required_and_an_unknown_level_refused(admin_api, programme):
    assert admin_api.post(bulk_url(programme), {"level": "roots"}, format="json").json() == {
        "added": 2
    }
    assert required_codes(programme) == {"R1", "R2"}

    error = assert_error(
        admin_api.post(bulk_url(programme), {"level": "middle"}, format="json"), 400
    )
    assert list(error["fields"]) == ["level"]


def test_an_admin_removes_a_requirement(admin_api, programme, framework, org_admin):
    requirement = Requirement.objects.create(programme=programme, item=item(framework, "R1.1"))

    response = admin_api.delete(requirement_url(requirement))

    assert response.status_code == 204
    assert not Requirement.objects.exists()
    (entry,) = audited("remove_requirement")
    assert (entry["actor_id"], entry["object_id"]) == (org_admin.pk, str(requirement.pk))


def test_the_list_costs_the_same_however_many_requirements(
    admin_api, programme, framework, django_assert_num_queries
):
    Requirement.objects.create(programme=programme, item=item(framework, "R1"))
    url = requirements_url(programme)
    # The programme the admin manages (with its organisation's admins checked), the count,
    # and the page with its items.
    with django_assert_num_queries(4):
        admin_api.get(url)
    admin_api.post(bulk_url(programme), {"level": "leaves"}, format="json")
    with django_assert_num_queries(4):
        listed = admin_api.get(url).json()["results"]
    assert [r["item"]["code"] for r in listed] == [
        "R1",
        "R1.1",
        "R1.2",
        "R1.3",
        "R2.1",
        "R2.2",
        "R2.3",
    ]


@pytest.mark.parametrize(("persona", "answer"), NOT_ITS_ADMINS)
def test_only_its_admins_manage_requirements(
    request, programme, framework, enrolment, persona, answer
):
    requirement = Requirement.objects.create(programme=programme, item=item(framework, "R1.1"))
    client = client_for(request.getfixturevalue(persona))

    assert_error(client.get(requirements_url(programme)), answer)
    body = {"item": item(framework, "R1.2").pk}
    assert_error(client.post(requirements_url(programme), body, format="json"), answer)
    assert_error(client.post(bulk_url(programme), {}, format="json"), answer)
    assert_error(client.delete(requirement_url(requirement)), answer)
    assert list(Requirement.objects.all()) == [requirement]


def test_another_programmes_requirement_is_not_found_through_this_one(
    admin_api, programme, framework, org_a
):
    requirement = Requirement.objects.create(programme=programme, item=item(framework, "R1.1"))
    other = programme_on(org_a, framework, name="Another")

    assert_error(admin_api.delete(f"{requirements_url(other)}{requirement.pk}/"), 404)
    assert Requirement.objects.exists()
