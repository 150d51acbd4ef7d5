"""Programmes: the organisation's list, creating and editing them, the programme page, and
what the pages cost in queries."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from curriculum import services
from curriculum.models import Item, Programme, Requirement
from tests.conftest import member
from tests.curriculum.programme_pages import day, delete_url, item, programme_on, today
from tests.factories import EnrolmentFactory, FrameworkFactory, framework_with_tree
from tests.helpers import assert_inline_error, messages_of, queries_for

pytestmark = pytest.mark.django_db


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
            "start_date": today().isoformat(),
            "end_date": day(-1).isoformat(),
        },
    )

    assert response.status_code == 200
    assert_inline_error(response, "end_date", "The end date cannot be before the start date.")
    assert not Programme.objects.filter(name="Backwards").exists()


def test_the_programme_services_refuse_an_end_before_the_start(org_a, org_admin):
    framework = FrameworkFactory()
    with pytest.raises(ValidationError) as error:
        services.create_programme(
            actor=org_admin,
            organisation=org_a,
            name="Backwards",
            frameworks=[framework],
            start_date=today(),
            end_date=day(-1),
        )
    assert "end_date" in error.value.message_dict

    programme = programme_on(org_a, framework)
    with pytest.raises(ValidationError) as error:
        services.update_programme(
            actor=org_admin,
            programme=programme,
            name=programme.name,
            frameworks=[framework],
            start_date=today(),
            end_date=day(-1),
        )
    assert "end_date" in error.value.message_dict


def test_a_programme_needs_a_name_and_a_framework(client, org_a, org_admin):
    client.force_login(org_admin)

    response = client.post(
        reverse("curriculum:programme_create", args=[org_a.slug]),
        {"name": "", "start_date": today().isoformat()},
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
        {"name": "Renamed", "frameworks": [kept.pk], "start_date": today().isoformat()},
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
        {"name": programme.name, "frameworks": [kept.pk], "start_date": today().isoformat()},
    )

    assert response.status_code == 302
    assert list(programme.frameworks.all()) == [kept]


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
