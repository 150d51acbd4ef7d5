"""A supervisor's page about one supervised trainee: what changed since they last looked,
what waits for sign-off, CPD this appraisal year, coverage that leads to the entries behind
each item, and the trainee's badges, loaded from badges' own partial."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from badges import demo as badges_demo
from badges.models import BadgeClass
from badges.services import awarding
from portfolio import services
from portfolio.models import LearningEntry, SignOffRequest, SupervisorLastViewed
from tests.conftest import member
from tests.factories import EnrolmentFactory, ProgrammeFactory, SupervisionFactory
from tests.helpers import queries_for

pytestmark = pytest.mark.django_db


def page_url(trainee):
    return reverse("portfolio:trainee_portfolio", args=[trainee.pk])


def changes_section(response) -> str:
    text = response.content.decode()
    start = text.index('id="changes-heading"')
    return text[start : text.index("</section>", start)]


def backdate(entry, when):
    """As if the entry was logged, changed and sent at `when`."""
    LearningEntry.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)
    SignOffRequest.objects.filter(entry=entry).update(requested_at=when)


def test_the_first_look_says_so_and_is_remembered(client, enrolled_trainee, supervisor):
    client.force_login(supervisor)
    before = timezone.now()

    response = client.get(page_url(enrolled_trainee))

    assert response.status_code == 200
    assert "This is your first look at" in changes_section(response)
    seen = SupervisorLastViewed.objects.get(supervisor=supervisor, trainee=enrolled_trainee)
    assert seen.viewed_at >= before


def test_the_page_lists_what_changed_since_the_supervisor_last_looked(
    client, enrolled_trainee, supervisor, log, submit
):
    now = timezone.now()
    last_look = now - timedelta(days=2)
    old = log(title="Old teaching")
    submit(old)
    backdate(old, now - timedelta(days=5))
    sent = log(title="Sent since")
    submit(sent)
    returned = log(title="Returned then edited")
    submit(returned)
    services.return_entry(entry=returned, actor=supervisor, comment="Add the date.")
    backdate(returned, now - timedelta(days=4))
    services.update_entry(entry=returned, actor=enrolled_trainee, title="Returned then edited")
    log(title="A draft logged since")
    SupervisorLastViewed.objects.create(
        supervisor=supervisor, trainee=enrolled_trainee, viewed_at=last_look
    )
    client.force_login(supervisor)

    changes = changes_section(client.get(page_url(enrolled_trainee)))

    assert 'Sent since</a> <span class="hint">sent for sign-off' in changes
    assert 'Returned then edited</a> <span class="hint">changed' in changes
    assert "Old teaching" not in changes
    assert "A draft logged since" not in changes
    assert "2 entries new, changed or sent for sign-off" in changes


def test_the_supervisors_own_decisions_are_not_news_to_them(
    client, enrolled_trainee, supervisor, org_a, log, submit
):
    colleague = member(org_a, Role.SUPERVISOR)
    SupervisionFactory(supervisor=colleague, trainee=enrolled_trainee, organisation=org_a)
    mine, theirs, edited = (log(title=t) for t in ("Mine", "Theirs", "Edited after return"))
    submit(mine)
    submit(theirs, to=colleague)
    submit(edited)
    for entry in (mine, theirs, edited):
        backdate(entry, timezone.now() - timedelta(days=3))
    SupervisorLastViewed.objects.create(
        supervisor=supervisor,
        trainee=enrolled_trainee,
        viewed_at=timezone.now() - timedelta(days=2),
    )
    services.approve(entry=mine, actor=supervisor)
    services.approve(entry=theirs, actor=colleague)
    services.return_entry(entry=edited, actor=supervisor, comment="Add the date.")
    services.update_entry(entry=edited, actor=enrolled_trainee, title="Edited after return")
    client.force_login(supervisor)

    changes = changes_section(client.get(page_url(enrolled_trainee)))

    assert "Mine<" not in changes
    assert 'Theirs</a> <span class="hint">changed' in changes
    assert 'Edited after return</a> <span class="hint">changed' in changes


def test_a_second_look_starts_from_the_first(client, enrolled_trainee, supervisor, log, submit):
    submit(log(title="Sepsis teaching"))
    client.force_login(supervisor)
    client.get(page_url(enrolled_trainee))
    first_look = SupervisorLastViewed.objects.get().viewed_at

    changes = changes_section(client.get(page_url(enrolled_trainee)))

    assert "Nothing has changed since you last looked" in changes
    assert SupervisorLastViewed.objects.get().viewed_at > first_look


def test_each_supervisor_has_their_own_last_look(client, enrolled_trainee, supervisor, org_a):
    second = member(org_a, Role.SUPERVISOR)
    SupervisionFactory(supervisor=second, trainee=enrolled_trainee, organisation=org_a)
    for someone in (supervisor, second):
        client.force_login(someone)
        client.get(page_url(enrolled_trainee))

    assert SupervisorLastViewed.objects.filter(trainee=enrolled_trainee).count() == 2


def test_the_page_lists_every_entry_waiting_for_sign_off_whoever_was_asked(
    client, enrolled_trainee, supervisor, org_a, log, submit
):
    second = member(org_a, Role.SUPERVISOR, full_name="Dr Second Supervisor")
    SupervisionFactory(supervisor=second, trainee=enrolled_trainee, organisation=org_a)
    submit(log(title="For you"))
    submit(log(title="For the other"), to=second)
    signed = log(title="Already signed")
    submit(signed)
    services.approve(entry=signed, actor=supervisor)
    client.force_login(supervisor)

    text = client.get(page_url(enrolled_trainee)).content.decode()
    waiting = text[text.index('id="waiting-heading"') : text.index('id="cpd-heading"')]

    assert 'For you</a> <span class="hint">sent to you' in waiting
    assert 'For the other</a> <span class="hint">sent to Dr Second Supervisor' in waiting
    assert "Already signed" not in waiting


def test_a_long_wait_list_shows_the_ten_waiting_longest(
    client, enrolled_trainee, supervisor, log, submit
):
    now = timezone.now()
    for n in range(12):
        request = submit(log(title=f"Module {n}"))
        SignOffRequest.objects.filter(pk=request.pk).update(requested_at=now - timedelta(days=n))
    client.force_login(supervisor)

    text = client.get(page_url(enrolled_trainee)).content.decode()
    waiting = text[text.index('id="waiting-heading"') : text.index('id="cpd-heading"')]

    assert "The 10 waiting longest of 12." in waiting
    assert "Module 11<" in waiting and "Module 2<" in waiting
    assert "Module 1<" not in waiting and "Module 0<" not in waiting


def test_the_page_shows_cpd_credits_this_appraisal_year(
    client, enrolled_trainee, supervisor, log, frozen_today
):
    log(title="Course", date=frozen_today, cpd_credits=Decimal("6.5"))
    log(title="Reading", date=frozen_today, cpd_credits=Decimal("1"))
    log(title="Two years ago", date=frozen_today - timedelta(days=730), cpd_credits=Decimal("9"))
    client.force_login(supervisor)

    text = client.get(page_url(enrolled_trainee)).content.decode()

    assert "<strong>7.50</strong> of 50" in text


def test_coverage_items_lead_to_the_trainees_entries_for_them(
    client, enrolled_trainee, supervisor, log, submit, fpcs
):
    submit(log(title="Sepsis teaching", items=[fpcs["FPC1"]]))
    programme = enrolled_trainee.enrolments.get().programme
    client.force_login(supervisor)

    text = client.get(page_url(enrolled_trainee)).content.decode()

    assert f"Coverage: {programme.name}" in text
    entries = reverse("portfolio:trainee_entries", args=[enrolled_trainee.pk])
    assert f'href="{entries}?item={fpcs["FPC1"].pk}" class="tile-code">FPC1<' in text


def test_the_badges_card_is_loaded_from_badges_with_a_link_to_fall_back_on(
    client, enrolled_trainee, supervisor
):
    client.force_login(supervisor)

    text = client.get(page_url(enrolled_trainee)).content.decode()

    badges = reverse("badges:trainee_badges", args=[enrolled_trainee.pk])
    assert f'hx-get="{badges}" hx-trigger="load"' in text
    assert f'<a href="{badges}">' in text


@pytest.fixture
def awards(enrolled_trainee, org_a, org_admin):
    badges_demo.create_badge_classes(org_a)
    kept = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="teaching-attendee"), recipient=enrolled_trainee
    )
    revoked = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="peer-teacher"), recipient=enrolled_trainee
    )
    awarding.revoke_award(award=revoked, actor=org_admin, reason="Recorded in error.")
    return kept, revoked


def test_the_badges_partial_shows_the_trainees_standing_badges(
    client, enrolled_trainee, supervisor, awards
):
    kept, revoked = awards
    client.force_login(supervisor)
    url = reverse("badges:trainee_badges", args=[enrolled_trainee.pk])

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    whole = client.get(url).content.decode()

    assert partial.lstrip().startswith("<section") and "<html" not in partial
    assert kept.badge_class.name in partial
    assert revoked.badge_class.name not in partial and "Recorded in error" not in partial
    assert "<html" in whole and kept.badge_class.name in whole


def test_the_badges_partial_costs_the_same_for_one_badge_as_for_none(
    client, enrolled_trainee, supervisor, org_a, django_assert_num_queries
):
    url = reverse("badges:trainee_badges", args=[enrolled_trainee.pk])
    client.force_login(supervisor)
    client.get(url)
    none = queries_for(client, url)
    badges_demo.create_badge_classes(org_a)
    for slug in ("teaching-attendee", "peer-teacher"):
        awarding.award_badge(
            badge_class=BadgeClass.objects.get(slug=slug), recipient=enrolled_trainee
        )

    # Session, user, roles; the trainee; awards; badges under way.
    with django_assert_num_queries(none):
        client.get(url, headers={"HX-Request": "true"})
    assert none == 6


def test_the_page_costs_a_fixed_number_of_queries_however_many_entries_and_programmes(
    client,
    enrolled_trainee,
    supervisor,
    log,
    submit,
    fpcs,
    org_a,
    foundation,
    django_assert_num_queries,
):
    def add(count):
        for n in range(count):
            submit(log(title=f"Module {n}", items=[fpcs["FPC3"]]))

    url = page_url(enrolled_trainee)
    client.force_login(supervisor)
    add(3)
    client.get(url)
    SupervisorLastViewed.objects.update(viewed_at=timezone.now() - timedelta(days=1))
    with_3 = queries_for(client, url)
    add(27)
    SupervisorLastViewed.objects.update(viewed_at=timezone.now() - timedelta(days=1))

    # Session, user and roles; the trainee; the last look, then this one recorded (a check
    # of the supervision, an update, and its savepoint's two statements); the changes and
    # their count; the programmes, and three for the coverage of them all; the entries'
    # count; the month's credits; the supervisions; the requests waiting and their count.
    with django_assert_num_queries(20):
        response = client.get(url)
    assert with_3 == 20
    assert "30 entries new, changed or sent for sign-off" in response.content.decode()

    # A second programme costs nothing more.
    programme = ProgrammeFactory(organisation=org_a, frameworks=[foundation], name="F2")
    EnrolmentFactory(trainee=enrolled_trainee, programme=programme)
    SupervisorLastViewed.objects.update(viewed_at=timezone.now() - timedelta(days=1))
    with django_assert_num_queries(20):
        response = client.get(url)
    assert "F2" in response.content.decode()


def test_the_trainees_page_links_each_current_trainee_to_their_page(
    client, enrolled_trainee, supervisor, other_trainee, org_a
):
    client.force_login(supervisor)

    text = client.get(reverse("portfolio:supervised_trainees")).content.decode()

    assert f'<a href="{page_url(enrolled_trainee)}">{enrolled_trainee}</a>' in text
    assert page_url(other_trainee) not in text
