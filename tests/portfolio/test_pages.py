"""The portfolio's pages: logging on a phone, editing, sign-off, and who may see what."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from portfolio import selectors, services
from portfolio.models import LearningEvent, ReflectionView, Status
from tests.conftest import member
from tests.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

VALID_NHS_NUMBER = "943 476 5919"


def test_quick_log_then_details(client, enrolled_trainee, fpcs):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:event_create"),
        {
            "kind": "teaching_attended",
            "title": "Sepsis teaching",
            "date": "2026-11-02",
            "duration_minutes": "45",
        },
    )
    event = LearningEvent.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "portfolio:event_edit", args=[event.pk]
    )
    assert event.cpd_credits == 0.75 and event.status == Status.DRAFT

    response = client.post(
        reverse("portfolio:event_edit", args=[event.pk]),
        {
            "kind": "teaching_attended",
            "title": "Sepsis teaching",
            "date": "2026-11-02",
            "duration_minutes": "45",
            "cpd_credits": "1",
            "provider": "St Elsewhere",
            "tags": "sepsis, Night Shift",
            "items": [fpcs["FPC1"].pk, fpcs["FPC2"].pk],
            "reflection_learned": "Start antibiotics within the hour.",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.cpd_credits == 1 and event.provider == "St Elsewhere"
    assert sorted(t.name for t in event.tags.all()) == ["night shift", "sepsis"]
    assert sorted(m.item.code for m in event.mappings.all()) == ["FPC1", "FPC2"]


def test_quick_log_shows_field_errors(client, enrolled_trainee):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:event_create"),
        {"kind": "teaching_attended", "title": "", "date": "soon"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "date"}
    assert "This field is required." in response.content.decode()
    assert not LearningEvent.objects.exists()


def edit_data(event, **changes):
    return {
        "kind": event.kind,
        "title": event.title,
        "date": event.date.isoformat(),
        "cpd_credits": "1",
        **changes,
    }


def test_a_reflection_with_an_nhs_number_is_warned_about_before_saving(
    client, log, enrolled_trainee
):
    event = log()
    client.force_login(enrolled_trainee)
    text = f"Patient {VALID_NHS_NUMBER} had sepsis."
    response = client.post(
        reverse("portfolio:event_edit", args=[event.pk]),
        edit_data(event, reflection_what_happened=text),
    )
    assert response.status_code == 200
    assert "It contains what looks like an NHS number." in response.content.decode()
    event.refresh_from_db()
    assert event.reflection_what_happened == ""  # warned, not yet saved

    # Warn, never block: confirming saves it.
    response = client.post(
        reverse("portfolio:event_edit", args=[event.pk]),
        edit_data(event, reflection_what_happened=text, identifiers_checked="on"),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reflection_what_happened == text


def test_a_number_failing_the_checksum_saves_without_a_warning(client, log, enrolled_trainee):
    event = log()
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:event_edit", args=[event.pk]),
        edit_data(event, reflection_what_happened="Bleep 943 476 5918"),
    )
    assert response.status_code == 302


def test_autosave_keeps_the_draft_but_not_a_reflection_that_may_identify_a_patient(
    client, log, enrolled_trainee
):
    event = log()
    client.force_login(enrolled_trainee)
    url = reverse("portfolio:event_autosave", args=[event.pk])
    response = client.post(
        url, edit_data(event, title="Renamed as I type"), headers={"HX-Request": "true"}
    )
    assert "Draft saved at" in response.content.decode()
    response = client.post(
        url,
        edit_data(
            event,
            title="Renamed as I type",
            location="Ward 7",
            reflection_learned=f"NHS {VALID_NHS_NUMBER}",
        ),
        headers={"HX-Request": "true"},
    )
    assert "except your reflection" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Renamed as I type" and event.location == "Ward 7"
    assert event.reflection_learned == ""


def test_a_signed_off_entry_cannot_be_edited_in_the_browser(
    client, log, enrolled_trainee, supervisor
):
    event = log()
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(event=event, actor=supervisor)
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:event_edit", args=[event.pk]),
        edit_data(event, title="Sneaky"),
        follow=True,
    )
    assert "signed off, so it is locked" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Sepsis teaching"


def test_sign_off_through_the_pages(client, log, enrolled_trainee, supervisor):
    event = log()
    client.force_login(enrolled_trainee)
    client.post(reverse("portfolio:event_submit", args=[event.pk]), {"supervisor": supervisor.pk})
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED

    client.force_login(supervisor)
    assert event.title in client.get(reverse("portfolio:sign_off_queue")).content.decode()
    response = client.post(
        reverse("portfolio:event_decide", args=[event.pk]),
        {"return": "1", "comment": ""},
        follow=True,
    )
    assert "Say what the trainee should change" in response.content.decode()
    client.post(
        reverse("portfolio:event_decide", args=[event.pk]), {"approve": "1", "comment": "Good"}
    )
    page = client.get(reverse("portfolio:event_detail", args=[event.pk])).content.decode()
    assert f"Signed off by {supervisor} on" in page
    assert "still matches exactly what was signed off" in page


def test_the_entry_page_shows_when_a_signed_off_entry_was_altered(
    client, log, enrolled_trainee, supervisor
):
    event = log()
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(event=event, actor=supervisor)
    LearningEvent.objects.filter(pk=event.pk).update(title="Edited behind Waymark's back")
    client.force_login(enrolled_trainee)
    page = client.get(reverse("portfolio:event_detail", args=[event.pk])).content.decode()
    assert "no longer matches what was signed off" in page


def test_a_shared_reflection_records_who_read_it(client, log, enrolled_trainee, supervisor):
    event = log(reflection_learned="Ask for help early.", reflection_shared=True)
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    client.force_login(supervisor)
    assert (
        "Ask for help early."
        in client.get(reverse("portfolio:event_detail", args=[event.pk])).content.decode()
    )
    client.force_login(enrolled_trainee)
    client.get(
        reverse("portfolio:event_detail", args=[event.pk])
    )  # the trainee's own views are not recorded
    assert list(ReflectionView.objects.values_list("viewer", flat=True)) == [supervisor.pk]
    assert (
        str(supervisor)
        in client.get(reverse("portfolio:event_detail", args=[event.pk])).content.decode()
    )


def test_a_private_reflection_is_not_shown_to_the_supervisor(
    client, log, enrolled_trainee, supervisor
):
    event = log(reflection_learned="Private thoughts.")
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    client.force_login(supervisor)
    assert (
        "Private thoughts."
        not in client.get(reverse("portfolio:event_detail", args=[event.pk])).content.decode()
    )
    assert not ReflectionView.objects.exists()


# --- Who may see what -----------------------------------------------------------------------


@pytest.fixture
def personas(enrolled_trainee, other_trainee, supervisor, org_a, org_admin):
    ended = member(org_a, Role.SUPERVISOR, email="ended@example.org")
    SupervisionFactory(
        supervisor=ended,
        trainee=enrolled_trainee,
        organisation=org_a,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    elsewhere = member(org_a, Role.SUPERVISOR, email="elsewhere@example.org")
    SupervisionFactory(supervisor=elsewhere, trainee=other_trainee, organisation=org_a)
    return {
        "trainee": enrolled_trainee,
        "other_trainee": other_trainee,
        "supervisor": supervisor,
        "ended_supervisor": ended,
        "supervisor_of_someone_else": elsewhere,
        "org_admin": org_admin,
        "anonymous": None,
    }


EVENT_PAGES = [
    ("event_detail", "get"), ("event_edit", "get"), ("event_edit", "post"), ("event_delete", "get"),
    ("event_delete", "post"), ("event_autosave", "post"), ("event_submit", "post"),
    ("event_recall", "post"),
    ("event_decide", "post"), ("event_withdraw", "post"), ("evidence_add", "post"),
]  # fmt: skip
# Pages only the entry's trainee uses; the supervisor may open the entry and decide on it.
OWNER_ONLY = {
    "event_edit",
    "event_delete",
    "event_autosave",
    "event_submit",
    "event_recall",
    "evidence_add",
}
# A submitted entry, so its supervisor can see it.
EXPECTED = {
    "trainee": "allowed",
    "supervisor": "allowed",
    "other_trainee": 404,
    "ended_supervisor": 404,
    "supervisor_of_someone_else": 404,
    "org_admin": 404,
    "anonymous": "login",
}


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize(("name", "method"), EVENT_PAGES)
def test_entry_pages_are_404_to_anyone_it_does_not_concern(
    client, log, personas, persona, name, method
):
    event = log()
    services.submit_for_sign_off(
        event=event, supervisor=personas["supervisor"], actor=personas["trainee"]
    )
    user = personas[persona]
    if user:
        client.force_login(user)
    response = getattr(client, method)(reverse(f"portfolio:{name}", args=[event.pk]))
    expected = EXPECTED[persona]
    if persona == "supervisor" and name in OWNER_ONLY:
        expected = 404
    if expected == "login":
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.title == "Sepsis teaching"  # nobody changed anything by trying


def test_supervisors_never_see_drafts(client, log, supervisor):
    event = log()
    client.force_login(supervisor)
    assert client.get(reverse("portfolio:event_detail", args=[event.pk])).status_code == 404


# --- Fixed query budgets ----------------------------------------------------------------------


def bulk_events(trainee, count, fpcs):
    from portfolio.models import EventItem

    first = datetime.date(2026, 5, 1)
    events = LearningEvent.objects.bulk_create(
        LearningEvent(
            trainee=trainee,
            kind="elearning",
            title=f"Module {i}",
            date=first + datetime.timedelta(days=i % 150),
            cpd_credits=1,
        )
        for i in range(count)
    )
    EventItem.objects.bulk_create(EventItem(event=e, item=fpcs["FPC12"]) for e in events)


@pytest.mark.parametrize("page", ["dashboard", "event_list"])
def test_pages_cost_the_same_queries_for_10_and_1000_entries(client, enrolled_trainee, fpcs, page):
    client.force_login(enrolled_trainee)
    counts = []
    for total in (10, 1000):
        bulk_events(enrolled_trainee, total - LearningEvent.objects.count(), fpcs)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"portfolio:{page}")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_organisation_admin_withdraws_a_sign_off_without_reading_the_entry(
    client, log, enrolled_trainee, supervisor, org_a, org_admin, org_b_admin
):
    event = log(reflection_learned="Private words")
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    sign_off = services.approve(event=event, actor=supervisor)
    url = reverse("portfolio:organisation_sign_off_withdraw", args=[org_a.slug, sign_off.pk])

    client.force_login(org_b_admin)
    assert (
        client.get(reverse("portfolio:organisation_sign_offs", args=[org_a.slug])).status_code
        == 404
    )
    assert client.post(url, {"reason": "no"}).status_code == 404

    client.force_login(org_admin)
    page = client.get(
        reverse("portfolio:organisation_sign_offs", args=[org_a.slug])
    ).content.decode()
    assert event.title in page and "Private words" not in page
    assert client.get(reverse("portfolio:event_detail", args=[event.pk])).status_code == 404
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # a reason is required
    response = client.post(url, {"reason": "Signed in error"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert sign_off.withdrawal.reason == "Signed in error"


def test_a_supervisor_whose_supervision_ended_cannot_withdraw(log, enrolled_trainee, supervisor):
    event = log()
    services.submit_for_sign_off(event=event, supervisor=supervisor, actor=enrolled_trainee)
    sign_off = services.approve(event=event, actor=supervisor)
    supervisor.supervisions_given.update(
        end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert not selectors.can_withdraw(supervisor, sign_off)
