"""Who may open the organisation admins' programme pages: anonymous visitors are sent to sign
in, everyone but the organisation's admins gets a 404, and nobody reaches another
organisation's programmes through their own."""

import pytest
from django.urls import reverse

from accounts.models import Role
from curriculum.models import Enrolment, Programme, Requirement
from tests.conftest import member
from tests.curriculum.programme_pages import item, programme_on, today
from tests.factories import EnrolmentFactory, framework_with_tree
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org_a, org_admin, trainee, other_trainee, supervisor):
    """Organisation A with a programme on a two-level framework, one trainee enrolled and
    one requirement set; a second framework the programme does not use."""
    framework = framework_with_tree(2, 3)
    programme = programme_on(org_a, framework)
    return {
        "org": org_a,
        "framework": framework,
        "other_framework": framework_with_tree(1, 1),
        "programme": programme,
        "enrolment": EnrolmentFactory(programme=programme, trainee=trainee),
        "requirement": Requirement.objects.create(
            programme=programme, item=item(framework, "R1.1"), min_entries=2
        ),
        "other_trainee": other_trainee,
    }


def programme_args(s):
    return [s["org"].slug, s["programme"].pk]


# Each programme page of organisation A: its URL, and a POST that would change something if
# allowed.
PAGES = {
    "programme_list": (
        lambda s: reverse("curriculum:programme_list", args=[s["org"].slug]),
        lambda s: {},
    ),
    "programme_create": (
        lambda s: reverse("curriculum:programme_create", args=[s["org"].slug]),
        lambda s: {
            "name": "Intruder's programme",
            "frameworks": [s["framework"].pk],
            "start_date": today().isoformat(),
        },
    ),
    "programme_detail": (
        lambda s: reverse("curriculum:programme_detail", args=programme_args(s)),
        lambda s: {},
    ),
    "programme_edit": (
        lambda s: reverse("curriculum:programme_edit", args=programme_args(s)),
        lambda s: {
            "name": "Renamed",
            "frameworks": [s["framework"].pk, s["other_framework"].pk],
            "start_date": today().isoformat(),
        },
    ),
    "enrolment_create": (
        lambda s: reverse("curriculum:enrolment_create", args=programme_args(s)),
        lambda s: {"trainee": s["other_trainee"].pk, "start_date": today().isoformat()},
    ),
    "enrolment_end": (
        lambda s: reverse("curriculum:enrolment_end", args=[*programme_args(s), s["enrolment"].pk]),
        lambda s: {"end_date": today().isoformat()},
    ),
    "requirement_create": (
        lambda s: reverse("curriculum:requirement_create", args=programme_args(s)),
        lambda s: {"item": item(s["framework"], "R2.1").pk, "min_entries": 5},
    ),
    "requirement_bulk": (
        lambda s: reverse("curriculum:requirement_bulk", args=programme_args(s)),
        lambda s: {"bulk-level": "leaves", "bulk-min_entries": 1},
    ),
    "requirement_delete": (
        lambda s: reverse(
            "curriculum:requirement_delete", args=[*programme_args(s), s["requirement"].pk]
        ),
        lambda s: {},
    ),
}


def state_of(org):
    """Everything a programme page could change."""
    programmes = Programme.objects.filter(organisation=org)
    return (
        sorted(programmes.values_list("pk", "name", "start_date", "end_date")),
        sorted(programmes.values_list("pk", "frameworks")),
        sorted(
            Enrolment.objects.filter(programme__organisation=org).values_list(
                "pk", "trainee_id", "start_date", "end_date"
            )
        ),
        sorted(
            Requirement.objects.filter(programme__organisation=org).values_list(
                "pk", "item_id", "min_entries", "signed_off_required"
            )
        ),
    )


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, scene, page, method):
    url, data = PAGES[page]
    before = state_of(scene["org"])

    response = getattr(client, method)(url(scene), data(scene))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    assert state_of(scene["org"]) == before


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "org_b_admin"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_organisations_admins_find_its_programme_pages(
    client, request, scene, persona, page, method
):
    sign_in_as(client, request, persona)
    url, data = PAGES[page]
    before = state_of(scene["org"])

    response = getattr(client, method)(url(scene), data(scene))

    assert response.status_code == 404
    assert state_of(scene["org"]) == before


@pytest.mark.parametrize("page", PAGES)
def test_the_organisations_admin_opens_every_programme_page(client, scene, org_admin, page):
    client.force_login(org_admin)
    url, _ = PAGES[page]

    response = client.get(url(scene))

    assert response.status_code == 200
    assert response.context["organisation"] == scene["org"]
    if "programme_id" in response.resolver_match.kwargs:
        assert response.context["programme"] == scene["programme"]


@pytest.mark.parametrize(
    "page", [page for page in PAGES if page not in ("programme_list", "programme_detail")]
)
def test_the_matrix_posts_would_change_something_if_allowed(client, scene, org_admin, page):
    """So that the 404s above prove the denied POSTs were stopped, not merely invalid."""
    client.force_login(org_admin)
    url, data = PAGES[page]
    before = state_of(scene["org"])

    response = client.post(url(scene), data(scene))

    assert response.status_code == 302
    assert state_of(scene["org"]) != before


@pytest.fixture
def org_b_records(org_b):
    framework = framework_with_tree(1, 2)
    programme = programme_on(org_b, framework)
    return {
        "programme": programme,
        "enrolment": EnrolmentFactory(programme=programme, trainee=member(org_b, Role.TRAINEE)),
        "requirement": Requirement.objects.create(
            programme=programme, item=item(framework, "R1.1")
        ),
    }


# The ids in each URL after A's slug: B's programme throughout, or A's programme with B's
# enrolment or requirement.
CROSSED_URLS = {
    "programme_detail": lambda a, b: [b["programme"].pk],
    "programme_edit": lambda a, b: [b["programme"].pk],
    "enrolment_create": lambda a, b: [b["programme"].pk],
    "enrolment_end": lambda a, b: [b["programme"].pk, b["enrolment"].pk],
    "enrolment_end of A's programme": lambda a, b: [a["programme"].pk, b["enrolment"].pk],
    "requirement_create": lambda a, b: [b["programme"].pk],
    "requirement_bulk": lambda a, b: [b["programme"].pk],
    "requirement_delete": lambda a, b: [b["programme"].pk, b["requirement"].pk],
    "requirement_delete of A's programme": lambda a, b: [a["programme"].pk, b["requirement"].pk],
}


@pytest.mark.parametrize("case", CROSSED_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_admin_cannot_reach_another_organisations_programmes_through_their_own(
    client, scene, org_b, org_b_records, org_admin, case, method
):
    client.force_login(org_admin)
    name = case.split(" ")[0]
    url = reverse(
        f"curriculum:{name}", args=[scene["org"].slug, *CROSSED_URLS[case](scene, org_b_records)]
    )
    data = {
        "name": "Taken over",
        "frameworks": [scene["framework"].pk],
        "start_date": today().isoformat(),
        "end_date": today().isoformat(),
        "trainee": scene["other_trainee"].pk,
        "bulk-level": "roots",
        "bulk-min_entries": 1,
    }
    before = state_of(org_b), state_of(scene["org"])

    response = getattr(client, method)(url, data)

    assert response.status_code == 404
    assert (state_of(org_b), state_of(scene["org"])) == before


def test_an_unknown_programme_is_not_found(client, org_a, org_admin):
    client.force_login(org_admin)
    assert (
        client.get(reverse("curriculum:programme_detail", args=[org_a.slug, 999999])).status_code
        == 404
    )
