"""A supervisor looks through a supervised trainee's portfolio: the entries the trainee has
sent for sign-off, found with the trainee's own list's search and filters; reflections kept
private stay private, though the supervisor is told they exist."""

import re

import pytest
from django.urls import reverse

from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def entries_url(trainee):
    return reverse("portfolio:trainee_entries", args=[trainee.pk])


def titles_on(response) -> list[str]:
    return re.findall(r'class="entry-title">([^<]+)<', response.text)


@pytest.fixture
def portfolio(log, submit, fpcs, supervisor, other_supervisor):
    """A submitted entry, a signed-off one, one returned, one sent to the other supervisor,
    and a draft nobody but the trainee sees."""
    from portfolio import services

    sepsis = log(title="Sepsis teaching", kind="teaching_attended", items=[fpcs["FPC1"]])
    submit(sepsis)
    chest = log(title="Chest films meeting", kind="specialty_meeting", items=[fpcs["FPC2"]])
    submit(chest)
    services.approve(entry=chest, actor=supervisor)
    returned = log(title="Asthma clinic", kind="clinic", tags=["respiratory"])
    submit(returned)
    services.return_entry(entry=returned, actor=supervisor, comment="Add your reflection.")
    log(title="Draft about night shifts", kind="reading", items=[fpcs["FPC1"]])
    return {"sepsis": sepsis, "chest": chest, "returned": returned}


def test_a_supervisor_sees_the_trainees_entries_that_are_not_drafts(
    client, enrolled_trainee, supervisor, portfolio
):
    client.force_login(supervisor)

    response = client.get(entries_url(enrolled_trainee))

    assert response.status_code == 200
    assert sorted(titles_on(response)) == [
        "Asthma clinic",
        "Chest films meeting",
        "Sepsis teaching",
    ]
    assert "3 entries." in response.text
    assert "Draft about night shifts" not in response.text
    # What only the trainee does is not offered.
    assert reverse("portfolio:entry_create") not in response.text


def test_the_entries_page_with_a_trainee_named_leads_to_their_entries(
    client, enrolled_trainee, supervisor, portfolio
):
    # The address an API user would guess from GET /api/v1/events/?trainee=…
    client.force_login(supervisor)

    response = client.get(
        reverse("portfolio:entry_list"), {"trainee": enrolled_trainee.pk, "q": "sepsis"}
    )

    assert response.status_code == 302
    assert response.url == entries_url(enrolled_trainee) + "?q=sepsis"
    assert titles_on(client.get(response.url)) == ["Sepsis teaching"]


def test_a_trainee_naming_themselves_sees_their_own_list(client, enrolled_trainee, portfolio):
    client.force_login(enrolled_trainee)

    response = client.get(reverse("portfolio:entry_list"), {"trainee": enrolled_trainee.pk})

    assert response.status_code == 200
    assert "Draft about night shifts" in titles_on(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "chest"}, ["Chest films meeting"]),
        ({"kind": "clinic"}, ["Asthma clinic"]),
        ({"status": "signed_off"}, ["Chest films meeting"]),
        ({"tag": "respiratory"}, ["Asthma clinic"]),
        ({"status": "draft"}, []),
    ],
)
def test_a_supervisor_searches_and_filters_as_the_trainee_does(
    client, enrolled_trainee, supervisor, portfolio, query, expected
):
    client.force_login(supervisor)

    response = client.get(entries_url(enrolled_trainee), query)

    assert response.status_code == 200
    assert titles_on(response) == expected


def test_the_item_filter_offers_the_trainees_curriculum_and_includes_items_under_it(
    client, enrolled_trainee, supervisor, portfolio, fpcs
):
    client.force_login(supervisor)
    hlo1 = fpcs["FPC1"].parent

    page = client.get(entries_url(enrolled_trainee))
    by_fpc1 = client.get(entries_url(enrolled_trainee), {"item": fpcs["FPC1"].pk})
    by_hlo1 = client.get(entries_url(enrolled_trainee), {"item": hlo1.pk})

    # The supervisor has no curriculum of their own: the choices are the trainee's.
    assert f'<option value="{fpcs["FPC1"].pk}">FPC1 ' in page.text
    assert titles_on(by_fpc1) == ["Sepsis teaching"]
    assert fpcs["FPC2"].parent_id == hlo1.pk
    assert sorted(titles_on(by_hlo1)) == ["Chest films meeting", "Sepsis teaching"]


def test_a_search_finds_nothing_in_reflections_even_shared_ones(
    client, enrolled_trainee, supervisor, log, submit
):
    submit(log(title="Ward round", reflection_learned="Escalate the hyperkalaemia sooner."))
    submit(log(title="Handover", reflection_learned="Hyperkalaemia again.", reflection_shared=True))
    client.force_login(supervisor)

    response = client.get(entries_url(enrolled_trainee), {"q": "hyperkalaemia"})

    assert titles_on(response) == []


def test_the_list_says_which_reflections_are_kept_private_without_showing_them(
    client, enrolled_trainee, supervisor, log, submit
):
    submit(log(title="Ward round", reflection_learned="Escalate the potassium sooner."))
    submit(log(title="Handover", reflection_learned="Shared words.", reflection_shared=True))
    submit(log(title="Journal club"))
    client.force_login(supervisor)

    response = client.get(entries_url(enrolled_trainee))

    rows = dict(
        zip(titles_on(response), response.text.split('class="entry-title">')[1:], strict=True)
    )
    assert "Reflection kept private" in rows["Ward round"]
    assert "Reflection shared with you" in rows["Handover"]
    assert "Reflection" not in rows["Journal club"]
    assert "Escalate the potassium" not in response.text
    assert "Shared words" not in response.text


def test_the_entry_page_tells_a_supervisor_a_private_reflection_exists(
    client, enrolled_trainee, supervisor, log, submit
):
    entry = log(title="Ward round", reflection_learned="Escalate the potassium sooner.")
    submit(entry)
    client.force_login(supervisor)

    response = client.get(entry.get_absolute_url())

    assert "has written a reflection on this entry and kept it private" in response.text
    assert "Escalate the potassium" not in response.text
    assert entries_url(enrolled_trainee) in response.text


def test_the_entry_page_says_nothing_of_a_reflection_never_written(
    client, enrolled_trainee, supervisor, log, submit
):
    entry = log(title="Journal club")
    submit(entry)
    client.force_login(supervisor)

    response = client.get(entry.get_absolute_url())

    assert "kept it private" not in response.text
    assert 'id="reflection-heading"' not in response.text


def test_the_entries_page_costs_a_fixed_number_of_queries(
    client, enrolled_trainee, supervisor, log, submit, fpcs, django_assert_num_queries
):
    def add(count):
        for n in range(count):
            submit(log(title=f"Module {n}", items=[fpcs["FPC3"]], tags=[f"tag{n}"]))

    client.force_login(supervisor)
    url = entries_url(enrolled_trainee) + f"?q=module&item={fpcs['FPC3'].pk}"
    add(2)
    client.get(url)
    few = queries_for(client, url)
    add(18)

    # Session, user and roles; the trainee; the item chosen, checked among the trainee's,
    # and the items under it; the count, the page, its tags and curriculum items; the item
    # choices, rendered.
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(titles_on(response)) == 20
    assert few == 11
