"""The portfolio's pages: logging on a phone, editing, sign-off, and who may see what."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from portfolio import selectors, services
from portfolio.models import LearningEntry, ReflectionView, Status
from tests.conftest import member
from tests.factories import EnrolmentFactory, ProgrammeFactory, SupervisionFactory

pytestmark = pytest.mark.django_db

VALID_NHS_NUMBER = "943 476 5919"


def test_quick_log_then_details(client, enrolled_trainee, fpcs):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:entry_create"),
        {
            "kind": "teaching_attended",
            "title": "Sepsis teaching",
            "date": "2026-11-02",
            "duration_minutes": "45",
        },
    )
    entry = LearningEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "portfolio:entry_edit", args=[entry.pk]
    )
    assert entry.cpd_credits == 0.75 and entry.status == Status.DRAFT

    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
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
    entry.refresh_from_db()
    assert entry.cpd_credits == 1 and entry.provider == "St Elsewhere"
    assert sorted(t.name for t in entry.tags.all()) == ["night-shift", "sepsis"]
    assert sorted(m.item.code for m in entry.mappings.all()) == ["FPC1", "FPC2"]


def test_quick_log_shows_field_errors(client, enrolled_trainee):
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:entry_create"),
        {"kind": "teaching_attended", "title": "", "date": "soon"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "date"}
    assert "This field is required." in response.content.decode()
    assert not LearningEntry.objects.exists()


def edit_data(entry, **changes):
    return {
        "kind": entry.kind,
        "title": entry.title,
        "date": entry.date.isoformat(),
        "cpd_credits": "1",
        **changes,
    }


def test_a_reflection_with_an_nhs_number_is_warned_about_before_saving(
    client, log, enrolled_trainee
):
    entry = log()
    client.force_login(enrolled_trainee)
    text = f"Patient {VALID_NHS_NUMBER} had sepsis."
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
        edit_data(entry, reflection_what_happened=text),
    )
    assert response.status_code == 200
    assert "It contains what looks like an NHS number." in response.content.decode()
    entry.refresh_from_db()
    assert entry.reflection_what_happened == ""  # warned, not yet saved

    # Warn, never block: confirming saves it.
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
        edit_data(entry, reflection_what_happened=text, identifiers_checked="on"),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.reflection_what_happened == text


def test_a_number_failing_the_checksum_saves_without_a_warning(client, log, enrolled_trainee):
    entry = log()
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
        edit_data(entry, reflection_what_happened="Bleep 943 476 5918"),
    )
    assert response.status_code == 302


def test_autosave_keeps_the_draft_but_not_a_reflection_that_may_identify_a_patient(
    client, log, enrolled_trainee
):
    entry = log()
    client.force_login(enrolled_trainee)
    url = reverse("portfolio:entry_autosave", args=[entry.pk])
    response = client.post(
        url, edit_data(entry, title="Renamed as I type"), headers={"HX-Request": "true"}
    )
    assert "Draft saved at" in response.content.decode()
    response = client.post(
        url,
        edit_data(
            entry,
            title="Renamed as I type",
            location="Ward 7",
            reflection_learned=f"NHS {VALID_NHS_NUMBER}",
        ),
        headers={"HX-Request": "true"},
    )
    assert "except your reflection" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Renamed as I type" and entry.location == "Ward 7"
    assert entry.reflection_learned == ""


def test_a_signed_off_entry_cannot_be_edited_in_the_browser(
    client, log, enrolled_trainee, supervisor
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)
    client.force_login(enrolled_trainee)
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.pk]),
        edit_data(entry, title="Sneaky"),
        follow=True,
    )
    assert "signed off, so it is locked" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Sepsis teaching"


def test_sign_off_through_the_pages(client, log, enrolled_trainee, supervisor):
    entry = log()
    client.force_login(enrolled_trainee)
    client.post(reverse("portfolio:entry_submit", args=[entry.pk]), {"supervisor": supervisor.pk})
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED

    client.force_login(supervisor)
    assert entry.title in client.get(reverse("portfolio:sign_off_queue")).content.decode()
    response = client.post(
        reverse("portfolio:entry_decide", args=[entry.pk]),
        {"return": "1", "comment": ""},
        follow=True,
    )
    assert "Say what the trainee should change" in response.content.decode()
    client.post(
        reverse("portfolio:entry_decide", args=[entry.pk]), {"approve": "1", "comment": "Good"}
    )
    page = client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
    assert f"Signed off by {supervisor} on" in page
    assert "still matches exactly what was signed off" in page


def test_the_entry_page_shows_when_a_signed_off_entry_was_altered(
    client, log, enrolled_trainee, supervisor
):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    services.approve(entry=entry, actor=supervisor)
    LearningEntry.objects.filter(pk=entry.pk).update(title="Edited behind Waymark's back")
    client.force_login(enrolled_trainee)
    page = client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
    assert "no longer matches what was signed off" in page


def test_a_shared_reflection_records_who_read_it(client, log, enrolled_trainee, supervisor):
    entry = log(reflection_learned="Ask for help early.", reflection_shared=True)
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    client.force_login(supervisor)
    assert (
        "Ask for help early."
        in client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
    )
    client.force_login(enrolled_trainee)
    client.get(
        reverse("portfolio:entry_detail", args=[entry.pk])
    )  # the trainee's own views are not recorded
    assert list(ReflectionView.objects.values_list("viewer", flat=True)) == [supervisor.pk]
    assert (
        str(supervisor)
        in client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
    )


def test_a_private_reflection_is_not_shown_to_the_supervisor(
    client, log, enrolled_trainee, supervisor
):
    entry = log(reflection_learned="Private thoughts.")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    client.force_login(supervisor)
    assert (
        "Private thoughts."
        not in client.get(reverse("portfolio:entry_detail", args=[entry.pk])).content.decode()
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


ENTRY_PAGES = [
    ("entry_detail", "get"), ("entry_edit", "get"), ("entry_edit", "post"), ("entry_delete", "get"),
    ("entry_delete", "post"), ("entry_autosave", "post"), ("entry_submit", "post"),
    ("entry_recall", "post"),
    ("entry_decide", "post"), ("entry_withdraw", "post"), ("evidence_add", "post"),
]  # fmt: skip
# Pages only the entry's trainee uses; the supervisor may open the entry and decide on it.
OWNER_ONLY = {
    "entry_edit",
    "entry_delete",
    "entry_autosave",
    "entry_submit",
    "entry_recall",
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
@pytest.mark.parametrize(("name", "method"), ENTRY_PAGES)
def test_entry_pages_are_404_to_anyone_it_does_not_concern(
    client, log, personas, persona, name, method
):
    entry = log()
    services.submit_for_sign_off(
        entry=entry, supervisor=personas["supervisor"], actor=personas["trainee"]
    )
    user = personas[persona]
    if user:
        client.force_login(user)
    response = getattr(client, method)(reverse(f"portfolio:{name}", args=[entry.pk]))
    expected = EXPECTED[persona]
    if persona == "supervisor" and name in OWNER_ONLY:
        expected = 404
    if expected == "login":
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.title == "Sepsis teaching"  # nobody changed anything by trying


def test_supervisors_never_see_drafts(client, log, supervisor):
    entry = log()
    client.force_login(supervisor)
    assert client.get(reverse("portfolio:entry_detail", args=[entry.pk])).status_code == 404


# --- Fixed query budgets ----------------------------------------------------------------------


def bulk_entries(trainee, count, fpcs):
    from portfolio.models import EntryItem

    first = datetime.date(2026, 5, 1)
    entries = LearningEntry.objects.bulk_create(
        LearningEntry(
            trainee=trainee,
            kind="elearning",
            title=f"Module {i}",
            date=first + datetime.timedelta(days=i % 150),
            cpd_credits=1,
        )
        for i in range(count)
    )
    EntryItem.objects.bulk_create(
        EntryItem(entry=e, item=fpcs["FPC12"], trainee_id=e.trainee_id) for e in entries
    )


@pytest.mark.parametrize("page", ["dashboard", "entry_list"])
def test_pages_cost_the_same_queries_for_10_and_1000_entries(client, enrolled_trainee, fpcs, page):
    client.force_login(enrolled_trainee)
    counts = []
    for total in (10, 1000):
        bulk_entries(enrolled_trainee, total - LearningEntry.objects.count(), fpcs)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"portfolio:{page}")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_dashboard_costs_the_same_queries_for_one_programme_and_three(
    client, enrolled_trainee, org_a, foundation
):
    """A career adds programmes, and the dashboard shows each one's coverage."""
    client.force_login(enrolled_trainee)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("portfolio:dashboard")).status_code == 200
    for name in ("F2", "Core training"):
        programme = ProgrammeFactory(organisation=org_a, frameworks=[foundation], name=name)
        EnrolmentFactory(trainee=enrolled_trainee, programme=programme)
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert len(three) == len(one)
    assert "F2" in page and "Core training" in page


def test_an_organisation_admin_withdraws_a_sign_off_without_reading_the_entry(
    client, log, enrolled_trainee, supervisor, org_a, org_admin, org_b_admin
):
    entry = log(reflection_learned="Private words")
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    sign_off = services.approve(entry=entry, actor=supervisor)
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
    assert entry.title in page and "Private words" not in page
    assert client.get(reverse("portfolio:entry_detail", args=[entry.pk])).status_code == 404
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # a reason is required
    response = client.post(url, {"reason": "Signed in error"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT
    assert sign_off.withdrawal.reason == "Signed in error"


def test_a_supervisor_whose_supervision_ended_cannot_withdraw(log, enrolled_trainee, supervisor):
    entry = log()
    services.submit_for_sign_off(entry=entry, supervisor=supervisor, actor=enrolled_trainee)
    sign_off = services.approve(entry=entry, actor=supervisor)
    supervisor.supervisions_given.update(
        end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert not selectors.can_withdraw(supervisor, sign_off)
