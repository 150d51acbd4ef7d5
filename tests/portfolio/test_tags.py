"""Tags in one form: however a trainee or a badge rule's author types a tag, it is one tag,
so that rules match entries; existing tags are merged by a data migration that leaves alone
what a standing sign-off vouches for."""

import pytest

from badges import demo
from badges.models import Award
from badges.services import awarding, badge_classes
from portfolio import services
from portfolio.content import sign_off_matches
from portfolio.models import LearningEntry, Tag
from portfolio.services import sign_off as sign_off_services
from portfolio.tags import normal_tag
from tests.conftest import member
from tests.factories import OrganisationFactory, SupervisionFactory

BEFORE = ("portfolio", "0005_entry_dates_and_text_limits")


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("#journal club", "journal-club"),
        ("Journal-Club", "journal-club"),
        ("journal  club", "journal-club"),
        (" journal_club ", "journal-club"),
        ("# Journal - Club", "journal-club"),
        ("#", ""),
        ("a&e", "a&e"),
    ],
)
def test_a_tag_has_one_normal_form(typed, normal):
    assert normal_tag(typed) == normal


@pytest.mark.django_db
def test_tags_saved_with_an_entry_are_normalised(log):
    entry = log(tags=["#journal club", "Journal-Club", "journal  club", "#"])
    assert [t.name for t in entry.tags.all()] == ["journal-club"]

    other = log(title="Another", tags=["JOURNAL CLUB"])
    services.update_entry(entry=other, actor=other.trainee, tags=["Journal_Club", "Sepsis"])
    assert [t.name for t in other.tags.all()] == ["journal-club", "sepsis"]
    assert Tag.objects.count() == 2


@pytest.mark.django_db
def test_a_badge_rules_tags_are_normalised_and_match_entries(
    org_a, org_admin, enrolled_trainee, log
):
    demo.create_badge_classes(org_a)
    rule = {"type": "event_count", "min": 3, "tags": ["#Journal Club", "journal-club"]}
    badge_class = badge_classes.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="club-regular",
        name="Club regular",
        description="Came to journal club.",
        criteria="Three journal clubs.",
        rule={"type": "all", "rules": [rule]},
    )
    assert badge_class.rule["rules"][0]["tags"] == ["journal-club"]

    log(title="One", tags=["journal club"])
    log(title="Two", tags=["#Journal-Club"])
    # As an older Waymark stored it, and a signed-off entry keeps it (see the migration).
    log(title="Three").tags.set([Tag.objects.create(name="journal club")])
    awarding.evaluate_awards(trainee=enrolled_trainee)

    assert Award.objects.filter(recipient=enrolled_trainee, badge_class=badge_class).exists()


# --- Tags already stored ---------------------------------------------------------------------


def test_the_migration_merges_tags_into_their_normal_form(migrator, monkeypatch):
    organisation = OrganisationFactory()
    trainee = member(organisation, "trainee", email="fy1@example.org")
    supervisor = member(organisation, "supervisor", email="es@example.org")
    SupervisionFactory(supervisor=supervisor, trainee=trainee, organisation=organisation)

    def entry(title, *names):
        created, _ = services.log_entry(
            actor=trainee, kind="reading", title=title, date="2026-10-01"
        )
        # As an older Waymark stored them: lower case, otherwise as typed.
        created.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
        return created

    first = entry("First", "#journal club", "sepsis")
    second = entry("Second", "journal club", "journal-club")
    signed = entry("Signed off", "journal club")
    services.submit_for_sign_off(entry=signed, supervisor=supervisor, actor=trainee)
    # Signed off as the Waymark of that time did, with version 1 of the content hash.
    monkeypatch.setattr(sign_off_services, "CURRENT_VERSION", 1)
    services.approve(entry=signed, actor=supervisor)

    migrator(BEFORE)
    migrator.to_latest()

    def names(e):
        return sorted(LearningEntry.objects.get(pk=e.pk).tags.values_list("name", flat=True))

    assert names(first) == ["journal-club", "sepsis"]
    assert names(second) == ["journal-club"]
    # A standing sign-off vouches for the tags as they were spelled.
    assert names(signed) == ["journal club"]
    assert sign_off_matches(signed.sign_offs.get())
    assert sorted(Tag.objects.values_list("name", flat=True)) == [
        "journal club",
        "journal-club",
        "sepsis",
    ]
