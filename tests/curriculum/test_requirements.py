"""What a programme requires: one item at a time, every item at one level of the tree, and
removing a requirement."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from curriculum import services
from curriculum.models import Item, Requirement
from tests.curriculum.programme_pages import (
    bulk_url,
    delete_url,
    item,
    required_codes,
    requirement_url,
)
from tests.factories import ItemFactory, framework_with_tree
from tests.helpers import assert_inline_error, messages_of

pytestmark = pytest.mark.django_db


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


def test_the_requirement_service_refuses_an_item_outside_the_programmes_frameworks(
    org_admin, programme
):
    outside = framework_with_tree(1, 1)

    with pytest.raises(ValidationError) as error:
        services.set_requirement(
            actor=org_admin,
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


def test_requiring_a_level_returns_how_many_were_added_and_skips_existing_ones(
    org_admin, programme
):
    def require(level):
        return services.require_level(
            actor=org_admin,
            programme=programme,
            level=level,
            min_entries=1,
            signed_off_required=True,
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
