"""The organisation admins' programme pages: who may open them, programmes, enrolments,
requirements, and what the pages cost in queries."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from curriculum import services
from curriculum.models import Enrolment, Item, Programme, Requirement
from tests.conftest import member
from tests.factories import (
    EnrolmentFactory,
    FrameworkFactory,
    ItemFactory,
    ProgrammeFactory,
    framework_with_tree,
)
from tests.helpers import assert_inline_error, messages_of, sign_in_as

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def day(offset: int):
    return TODAY() + timedelta(days=offset)


def programme_on(organisation, *frameworks, **fields):
    return ProgrammeFactory(organisation=organisation, frameworks=list(frameworks), **fields)


def item(framework, code):
    return Item.objects.get(framework=framework, code=code)


def required_codes(programme):
    return set(Requirement.objects.filter(programme=programme).values_list("item__code", flat=True))


# --- Who may open which page ---------------------------------------------------------------


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
            "start_date": TODAY().isoformat(),
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
            "start_date": TODAY().isoformat(),
        },
    ),
    "enrolment_create": (
        lambda s: reverse("curriculum:enrolment_create", args=programme_args(s)),
        lambda s: {"trainee": s["other_trainee"].pk, "start_date": TODAY().isoformat()},
    ),
    "enrolment_end": (
        lambda s: reverse("curriculum:enrolment_end", args=[*programme_args(s), s["enrolment"].pk]),
        lambda s: {"end_date": TODAY().isoformat()},
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
        "start_date": TODAY().isoformat(),
        "end_date": TODAY().isoformat(),
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


# --- The organisation's navigation ---------------------------------------------------------


def test_the_organisation_nav_leads_to_the_programmes(client, org_a, org_admin):
    client.force_login(org_admin)
    programmes_url = reverse("curriculum:programme_list", args=[org_a.slug])

    members_page = client.get(reverse("accounts:members", args=[org_a.slug])).content.decode()
    assert f'<a href="{programmes_url}">Programmes</a>' in members_page

    response = client.get(programmes_url)
    assert response.status_code == 200
    assert f'<a href="{programmes_url}" aria-current="page">Programmes</a>' in (
        response.content.decode()
    )


def test_the_programme_list_shows_only_the_organisations_programmes(
    client, org_a, org_b, org_admin
):
    framework = FrameworkFactory(name="Acute medicine")
    ours = programme_on(org_a, framework, name="Foundation Year 1")
    programme_on(org_b, framework, name="Their programme")
    client.force_login(org_admin)

    response = client.get(reverse("curriculum:programme_list", args=[org_a.slug]))

    assert list(response.context["programmes"]) == [ours]
    html = response.content.decode()
    assert reverse("curriculum:programme_detail", args=[org_a.slug, ours.pk]) in html
    assert "Acute medicine" in html
    assert "Their programme" not in html


# --- Creating and editing programmes ---------------------------------------------------------


def test_the_programme_form_offers_frameworks_as_checkboxes(client, org_a, org_admin):
    framework = FrameworkFactory()
    client.force_login(org_admin)

    html = client.get(reverse("curriculum:programme_create", args=[org_a.slug])).content.decode()

    assert re.search(
        rf'<input type="checkbox" name="frameworks" value="{framework.pk}"[^>]*>', html
    )


def test_an_admin_creates_a_programme(client, org_a, org_admin):
    first, second = FrameworkFactory(), FrameworkFactory()
    FrameworkFactory()  # not chosen
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_create", args=[org_a.slug]),
        {
            "name": "Foundation Year 1, August 2026",
            "frameworks": [first.pk, second.pk],
            "start_date": day(10).isoformat(),
            "end_date": day(375).isoformat(),
        },
    )

    programme = Programme.objects.get(name="Foundation Year 1, August 2026")
    assert response.status_code == 302
    assert response.url == reverse("curriculum:programme_detail", args=[org_a.slug, programme.pk])
    assert programme.organisation == org_a
    assert set(programme.frameworks.all()) == {first, second}
    assert (programme.start_date, programme.end_date) == (day(10), day(375))
    assert "created" in " ".join(messages_of(client.get(response.url)))


def test_a_programme_cannot_end_before_it_starts(client, org_a, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_create", args=[org_a.slug]),
        {
            "name": "Backwards",
            "frameworks": [FrameworkFactory().pk],
            "start_date": TODAY().isoformat(),
            "end_date": day(-1).isoformat(),
        },
    )

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    assert not Programme.objects.filter(name="Backwards").exists()


def test_the_programme_services_refuse_an_end_before_the_start(org_a):
    framework = FrameworkFactory()
    with pytest.raises(ValidationError) as error:
        services.create_programme(
            organisation=org_a,
            name="Backwards",
            frameworks=[framework],
            start_date=TODAY(),
            end_date=day(-1),
        )
    assert "end_date" in error.value.message_dict

    programme = programme_on(org_a, framework)
    with pytest.raises(ValidationError) as error:
        services.update_programme(
            programme=programme,
            name=programme.name,
            frameworks=[framework],
            start_date=TODAY(),
            end_date=day(-1),
        )
    assert "end_date" in error.value.message_dict


def test_a_programme_needs_a_name_and_a_framework(client, org_a, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_create", args=[org_a.slug]),
        {"name": "", "start_date": TODAY().isoformat()},
    )

    assert response.status_code == 200
    assert_inline_error(response, "name", "This field is required.")
    assert_inline_error(response, "frameworks", "This field is required.")
    assert not Programme.objects.exists()


def test_the_edit_form_starts_with_the_programmes_values(client, org_a, org_admin):
    framework = FrameworkFactory()
    FrameworkFactory()
    programme = programme_on(org_a, framework, name="F1", end_date=day(300))
    client.force_login(org_admin)

    response = client.get(reverse("curriculum:programme_edit", args=[org_a.slug, programme.pk]))

    form = response.context["form"]
    assert form["name"].value() == "F1"
    assert [int(pk) for pk in form["frameworks"].value()] == [framework.pk]
    assert form["end_date"].value() == day(300)
    html = response.content.decode()
    checkbox = rf'<input type="checkbox" name="frameworks" value="{framework.pk}"[^>]*checked'
    assert re.search(checkbox, html)


def test_an_admin_edits_a_programme(client, org_a, org_admin):
    old, new = FrameworkFactory(), FrameworkFactory()
    programme = programme_on(org_a, old, name="F1")
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_edit", args=[org_a.slug, programme.pk]),
        {
            "name": "Foundation Year 1",
            "frameworks": [new.pk],
            "start_date": day(-5).isoformat(),
            "end_date": day(360).isoformat(),
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("curriculum:programme_detail", args=[org_a.slug, programme.pk])
    programme.refresh_from_db()
    assert programme.name == "Foundation Year 1"
    assert list(programme.frameworks.all()) == [new]
    assert (programme.start_date, programme.end_date) == (day(-5), day(360))


def test_a_framework_with_requirements_on_its_items_cannot_be_removed(client, org_a, org_admin):
    kept, required = framework_with_tree(1, 1), framework_with_tree(1, 1)
    programme = programme_on(org_a, kept, required, name="F1")
    Requirement.objects.create(programme=programme, item=item(required, "R1.1"))
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_edit", args=[org_a.slug, programme.pk]),
        {"name": "Renamed", "frameworks": [kept.pk], "start_date": TODAY().isoformat()},
    )

    assert response.status_code == 200
    assert_inline_error(
        response, "frameworks", "Remove the requirements on a framework's items before removing"
    )
    programme.refresh_from_db()
    assert programme.name == "F1"
    assert set(programme.frameworks.all()) == {kept, required}


def test_a_framework_without_requirements_may_be_removed(client, org_a, org_admin):
    kept, unused = framework_with_tree(1, 1), framework_with_tree(1, 1)
    programme = programme_on(org_a, kept, unused)
    Requirement.objects.create(programme=programme, item=item(kept, "R1.1"))
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_edit", args=[org_a.slug, programme.pk]),
        {"name": programme.name, "frameworks": [kept.pk], "start_date": TODAY().isoformat()},
    )

    assert response.status_code == 302
    assert list(programme.frameworks.all()) == [kept]


# --- Enrolments ------------------------------------------------------------------------------


@pytest.fixture
def programme(org_a):
    return programme_on(org_a, framework_with_tree(2, 3), name="Foundation Year 1")


def enrol_url(programme):
    return reverse("curriculum:enrolment_create", args=[programme.organisation.slug, programme.pk])


def enrolment_data(trainee, **overrides):
    return {
        "trainee": trainee.pk,
        "start_date": TODAY().isoformat(),
        "end_date": "",
        **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in overrides.items()},
    }


def test_only_the_organisations_trainees_are_offered(
    client, org_a, org_b, org_admin, supervisor, trainee, other_trainee, programme
):
    member(org_b, Role.TRAINEE)
    client.force_login(org_admin)

    form = client.get(enrol_url(programme)).context["form"]

    assert set(form.fields["trainee"].queryset) == {trainee, other_trainee}


def test_trainees_with_the_same_name_can_be_told_apart(client, org_a, org_admin, programme):
    first = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="sam.patel@example.org")
    second = member(org_a, Role.TRAINEE, full_name="Sam Patel", email="s.patel2@example.org")
    client.force_login(org_admin)

    html = client.get(enrol_url(programme)).content.decode()

    assert f'<option value="{first.pk}">Sam Patel (sam.patel@example.org)</option>' in html
    assert f'<option value="{second.pk}">Sam Patel (s.patel2@example.org)</option>' in html


def test_an_admin_enrols_a_trainee(client, org_admin, trainee, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(365)))

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    enrolment = Enrolment.objects.get(programme=programme)
    assert (enrolment.trainee, enrolment.start_date, enrolment.end_date) == (
        trainee,
        TODAY(),
        day(365),
    )
    assert f"{trainee} is enrolled." in messages_of(client.get(response.url))


@pytest.mark.parametrize(
    "outsider",
    [
        lambda org_a, org_b: member(org_b, Role.TRAINEE),
        lambda org_a, org_b: member(org_a, Role.SUPERVISOR),
        lambda org_a, org_b: member(org_a, Role.ADMIN),
    ],
    ids=["trainee elsewhere", "supervisor here", "admin here"],
)
def test_someone_not_a_trainee_of_the_organisation_cannot_be_enrolled(
    client, org_a, org_b, org_admin, programme, outsider
):
    person = outsider(org_a, org_b)
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(person))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "Select a valid choice.")
    assert not Enrolment.objects.exists()


def test_the_enrolment_service_refuses_someone_not_a_trainee_of_the_organisation(org_b, programme):
    outsider = member(org_b, Role.TRAINEE)

    with pytest.raises(ValidationError) as error:
        services.enrol_trainee(programme=programme, trainee=outsider, start_date=TODAY())

    assert "is not a trainee in" in error.value.message_dict["trainee"][0]
    assert not Enrolment.objects.exists()


def test_a_trainee_cannot_be_enrolled_twice_at_once(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "is already enrolled in this programme.")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_an_enrolment_overlapping_a_planned_one_is_refused(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "is already enrolled in this programme.")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1


def test_an_enrolment_may_end_before_a_planned_one_starts(client, org_admin, trainee, programme):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(30))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(29)))

    assert response.status_code == 302
    assert Enrolment.objects.filter(trainee=trainee).count() == 2


def test_a_trainee_may_be_enrolled_again_after_an_enrolment_ended(
    client, org_admin, trainee, programme
):
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-1))
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee))

    assert response.status_code == 302
    assert Enrolment.objects.filter(trainee=trainee).count() == 2


def test_an_enrolment_cannot_end_before_it_starts(client, org_admin, trainee, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), enrolment_data(trainee, end_date=day(-1)))

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    assert not Enrolment.objects.exists()


def test_a_missing_trainee_is_shown_next_to_the_field(client, org_admin, programme):
    client.force_login(org_admin)

    response = client.post(enrol_url(programme), {"start_date": TODAY().isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "trainee", "This field is required.")


def end_url(enrolment):
    programme = enrolment.programme
    return reverse(
        "curriculum:enrolment_end", args=[programme.organisation.slug, programme.pk, enrolment.pk]
    )


def test_an_admin_ends_an_enrolment(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee)
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": TODAY().isoformat()})

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    enrolment.refresh_from_db()
    assert enrolment.end_date == TODAY()
    assert f"{trainee}'s enrolment ends on {TODAY():%d %b %Y}." in messages_of(
        client.get(response.url)
    )


def test_an_enrolment_cannot_be_ended_before_it_started(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-10))
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": day(-11).isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_a_planned_enrolment_end_can_be_brought_forward_but_not_pushed_back(
    client, org_admin, trainee, programme
):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee, end_date=day(30))
    client.force_login(org_admin)

    later = client.post(end_url(enrolment), {"end_date": day(31).isoformat()})
    assert later.status_code == 200
    assert_inline_error(later, "end_date", "Choose that day or an earlier one.")

    sooner = client.post(end_url(enrolment), {"end_date": TODAY().isoformat()})
    assert sooner.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == TODAY()


def test_an_ended_enrolment_cannot_be_reopened_over_a_later_one(
    client, org_admin, trainee, programme
):
    ended = EnrolmentFactory(
        programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-10)
    )
    EnrolmentFactory(programme=programme, trainee=trainee, start_date=day(-9))
    client.force_login(org_admin)

    response = client.post(end_url(ended), {"end_date": day(30).isoformat()})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This enrolment has already ended.")
    ended.refresh_from_db()
    assert ended.end_date == day(-10)


def test_a_missing_end_date_is_shown_next_to_the_field(client, org_admin, trainee, programme):
    enrolment = EnrolmentFactory(programme=programme, trainee=trainee)
    client.force_login(org_admin)

    response = client.post(end_url(enrolment), {"end_date": ""})

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "This field is required.")


def test_the_programme_page_offers_to_end_running_and_planned_enrolments_only(
    client, org_admin, trainee, other_trainee, programme
):
    running = EnrolmentFactory(programme=programme, trainee=trainee)
    planned = EnrolmentFactory(programme=programme, trainee=other_trainee, end_date=day(30))
    ended = EnrolmentFactory(
        programme=programme, trainee=trainee, start_date=day(-90), end_date=day(-31)
    )
    client.force_login(org_admin)

    html = client.get(
        reverse("curriculum:programme_detail", args=[programme.organisation.slug, programme.pk])
    ).content.decode()

    assert end_url(running) in html
    assert end_url(planned) in html
    assert end_url(ended) not in html


def test_the_programme_page_shows_50_enrolments_a_page_each_once(
    client, org_a, org_admin, programme
):
    # A cohort starts on the same day, so the order must not rest on the start date alone.
    for _ in range(60):
        EnrolmentFactory(programme=programme, trainee=member(org_a, Role.TRAINEE))
    client.force_login(org_admin)
    url = reverse("curriculum:programme_detail", args=[org_a.slug, programme.pk])

    first = client.get(url).context["enrolments"]
    second = client.get(url, {"page": 2}).context["enrolments"]

    assert (len(first.object_list), len(second.object_list)) == (50, 10)
    assert len({*first.object_list, *second.object_list}) == 60


# --- Requirements ----------------------------------------------------------------------------


def requirement_url(programme):
    return reverse(
        "curriculum:requirement_create", args=[programme.organisation.slug, programme.pk]
    )


def bulk_url(programme):
    return reverse("curriculum:requirement_bulk", args=[programme.organisation.slug, programme.pk])


def delete_url(requirement):
    programme = requirement.programme
    return reverse(
        "curriculum:requirement_delete",
        args=[programme.organisation.slug, programme.pk, requirement.pk],
    )


def test_only_the_programmes_items_are_offered(client, org_admin, programme):
    framework_with_tree(1, 2)  # a framework the programme does not use
    client.force_login(org_admin)

    form = client.get(requirement_url(programme)).context["form"]

    assert set(form.fields["item"].queryset) == set(
        Item.objects.filter(framework__in=programme.frameworks.all())
    )
    assert form.fields["item"].queryset.count() == 8


def test_an_admin_requires_one_item(client, org_admin, programme):
    framework = programme.frameworks.get()
    client.force_login(org_admin)

    response = client.post(
        requirement_url(programme), {"item": item(framework, "R2.3").pk, "min_entries": 3}
    )

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    requirement = Requirement.objects.get(programme=programme)
    assert (requirement.item.code, requirement.min_entries) == ("R2.3", 3)
    assert requirement.signed_off_required is False  # the box was not ticked
    assert "Requirement on R2.3 saved." in messages_of(client.get(response.url))


def test_the_requirement_form_updates_an_existing_requirement(client, org_admin, programme):
    framework = programme.frameworks.get()
    existing = Requirement.objects.create(
        programme=programme, item=item(framework, "R1.1"), min_entries=1, signed_off_required=True
    )
    client.force_login(org_admin)

    response = client.post(requirement_url(programme), {"item": existing.item.pk, "min_entries": 4})

    assert response.status_code == 302
    assert Requirement.objects.filter(programme=programme).count() == 1
    existing.refresh_from_db()
    assert (existing.min_entries, existing.signed_off_required) == (4, False)


def test_an_item_outside_the_programmes_frameworks_cannot_be_required(client, org_admin, programme):
    outside = framework_with_tree(1, 1)
    client.force_login(org_admin)

    response = client.post(
        requirement_url(programme), {"item": item(outside, "R1.1").pk, "min_entries": 1}
    )

    assert response.status_code == 200
    assert_inline_error(response, "item", "Select a valid choice.")
    assert not Requirement.objects.exists()


def test_the_requirement_service_refuses_an_item_outside_the_programmes_frameworks(programme):
    outside = framework_with_tree(1, 1)

    with pytest.raises(ValidationError) as error:
        services.set_requirement(
            programme=programme,
            item=item(outside, "R1.1"),
            min_entries=1,
            signed_off_required=True,
        )

    assert "item" in error.value.message_dict
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("min_entries", ["0", "101", ""])
def test_a_requirement_needs_between_1_and_100_entries(client, org_admin, programme, min_entries):
    client.force_login(org_admin)

    response = client.post(
        requirement_url(programme),
        {"item": item(programme.frameworks.get(), "R1.1").pk, "min_entries": min_entries},
    )

    assert response.status_code == 200
    assert re.search(r'<ul class="errorlist" id="id_min_entries_error">', response.content.decode())
    assert not Requirement.objects.exists()


def test_every_item_without_sub_items_is_required_at_once(client, org_admin, programme):
    framework = programme.frameworks.get()
    ItemFactory(framework=framework, code="R3")  # a top-level item with no sub-items
    framework_with_tree(1, 2)  # another framework's leaves stay out
    existing = Requirement.objects.create(
        programme=programme, item=item(framework, "R1.1"), min_entries=5, signed_off_required=False
    )
    client.force_login(org_admin)

    response = client.post(
        bulk_url(programme),
        {"bulk-level": "leaves", "bulk-min_entries": 2, "bulk-signed_off_required": "on"},
    )

    assert response.status_code == 302
    assert required_codes(programme) == {"R1.1", "R1.2", "R1.3", "R2.1", "R2.2", "R2.3", "R3"}
    existing.refresh_from_db()
    assert (existing.min_entries, existing.signed_off_required) == (5, False)
    added = Requirement.objects.filter(programme=programme).exclude(pk=existing.pk)
    assert {(r.min_entries, r.signed_off_required) for r in added} == {(2, True)}
    assert "6 requirements added." in messages_of(client.get(response.url))


def test_every_top_level_item_is_required_at_once(client, org_admin, programme):
    second = framework_with_tree(1, 1, name="Second framework")
    programme.frameworks.add(second)
    client.force_login(org_admin)

    response = client.post(bulk_url(programme), {"bulk-level": "roots", "bulk-min_entries": 1})

    assert response.status_code == 302
    required = Requirement.objects.filter(programme=programme)
    assert {(r.item.framework_id, r.item.code) for r in required} == {
        (programme.frameworks.exclude(pk=second.pk).get().pk, "R1"),
        (programme.frameworks.exclude(pk=second.pk).get().pk, "R2"),
        (second.pk, "R1"),
    }


def test_requiring_a_level_returns_how_many_were_added_and_skips_existing_ones(programme):
    def require(level):
        return services.require_level(
            programme=programme, level=level, min_entries=1, signed_off_required=True
        )

    assert require("leaves") == 6
    assert require("leaves") == 0
    assert require("roots") == 2
    assert Requirement.objects.filter(programme=programme).count() == 8


def test_one_added_requirement_is_reported_in_the_singular(client, org_admin, programme):
    framework = programme.frameworks.get()
    for code in ["R1.1", "R1.2", "R1.3", "R2.1", "R2.2"]:
        Requirement.objects.create(programme=programme, item=item(framework, code))
    client.force_login(org_admin)

    response = client.post(bulk_url(programme), {"bulk-level": "leaves", "bulk-min_entries": 1})

    assert "1 requirement added." in messages_of(client.get(response.url))


def test_a_bulk_requirement_without_a_level_is_refused_next_to_the_field(
    client, org_admin, programme
):
    client.force_login(org_admin)

    response = client.post(bulk_url(programme), {"bulk-min_entries": 1})

    assert response.status_code == 200
    assert_inline_error(response, "bulk-level", "This field is required.")
    assert not Requirement.objects.exists()


def test_the_two_requirement_forms_on_one_page_do_not_share_ids(client, org_admin, programme):
    client.force_login(org_admin)

    html = client.get(requirement_url(programme)).content.decode()

    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_removing_a_requirement_asks_first(client, org_admin, programme):
    requirement = Requirement.objects.create(
        programme=programme, item=item(programme.frameworks.get(), "R1.2"), min_entries=3
    )
    client.force_login(org_admin)

    response = client.get(delete_url(requirement))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove the requirement on R1.2?" in html
    assert '<form method="post">' in html
    assert Requirement.objects.filter(pk=requirement.pk).exists()


def test_an_admin_removes_a_requirement(client, org_admin, programme):
    requirement = Requirement.objects.create(
        programme=programme, item=item(programme.frameworks.get(), "R1.2")
    )
    client.force_login(org_admin)

    response = client.post(delete_url(requirement))

    assert response.status_code == 302
    assert response.url == reverse(
        "curriculum:programme_detail", args=[programme.organisation.slug, programme.pk]
    )
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    assert "The requirement on R1.2 is removed." in messages_of(client.get(response.url))


# --- The programme page ----------------------------------------------------------------------


def test_the_programme_page_lists_its_enrolments_and_requirements(
    client, org_admin, trainee, programme
):
    EnrolmentFactory(programme=programme, trainee=trainee)
    requirement = Requirement.objects.create(
        programme=programme, item=item(programme.frameworks.get(), "R2.1"), min_entries=3
    )
    client.force_login(org_admin)

    response = client.get(
        reverse("curriculum:programme_detail", args=[programme.organisation.slug, programme.pk])
    )

    html = response.content.decode()
    assert str(trainee) in html
    assert "Child 1 of root 2" in html
    assert delete_url(requirement) in html
    assert list(response.context["requirements"]) == [requirement]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_enrolments_and_requirements(programme, count):
    framework = programme.frameworks.first()
    start = Item.objects.filter(framework=framework).count()
    items = Item.objects.bulk_create(
        Item(framework=framework, code=f"X{start + n}", title=f"Extra {n}", position=100 + n)
        for n in range(count)
    )
    for n, extra in enumerate(items):
        EnrolmentFactory(
            programme=programme,
            trainee=member(programme.organisation, Role.TRAINEE),
            end_date=day(n) if n % 2 else None,
        )
        Requirement.objects.create(programme=programme, item=extra)


def test_the_programme_page_costs_as_many_queries_for_30_rows_as_for_3(
    client, org_a, org_admin, programme
):
    programme.frameworks.add(framework_with_tree(1, 1))
    client.force_login(org_admin)
    url = reverse("curriculum:programme_detail", args=[org_a.slug, programme.pk])
    client.get(url)  # Sessions and caches settle on the first request.

    add_enrolments_and_requirements(programme, 3)
    with_3 = queries_for(client, url)
    add_enrolments_and_requirements(programme, 27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3


@pytest.mark.parametrize("page", ["programme_list", "requirement_create", "enrolment_create"])
def test_other_programme_pages_cost_as_many_queries_for_30_rows_as_for_3(
    client, org_a, org_admin, programme, page
):
    client.force_login(org_admin)
    args = [org_a.slug] if page == "programme_list" else [org_a.slug, programme.pk]
    url = reverse(f"curriculum:{page}", args=args)
    client.get(url)

    def add(count):
        for _ in range(count):
            programme_on(org_a, *programme.frameworks.all())
        add_enrolments_and_requirements(programme, count)

    add(3)
    with_3 = queries_for(client, url)
    add(27)
    with_30 = queries_for(client, url)

    assert with_30 == with_3
