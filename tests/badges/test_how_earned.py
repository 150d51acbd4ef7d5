"""Every award says how it was earned, in words a verifier can weigh: what the rules counted
(entries, dates, how many a supervisor signed off), or who awarded it by hand. The record is
made as the badge is awarded and does not change when the entries do; awards made before
Waymark recorded it say so and invent nothing."""

import re
from datetime import UTC, datetime

import pytest
from django.utils.html import escape

from audit.models import AuditEntry
from badges.achievements import describe
from badges.models import Award, BadgeClass
from badges.services import awarding
from badges.services import badge_classes as badge_class_services
from core.hashing import canonical_json, sha256
from portfolio import services as portfolio

ISSUED = datetime(2026, 10, 12, 9, 30, tzinfo=UTC)


def by_rules(rule: dict) -> Award:
    return Award(issued_on=ISSUED, achieved={"by": "rules", "rule": rule})


def tally(noun="social media entries", entries=5, signed_off=3, first="2026-08-01", last=None):
    return {
        "type": "event_count",
        "noun": noun,
        "entries": entries,
        "signed_off": signed_off,
        "signed_off_only": False,
        "first": first,
        "last": last or ("2026-10-12" if entries > 1 else first),
    }


# --- The words, from what was recorded -----------------------------------------------------------


def test_counted_entries_are_stated_with_their_dates_and_sign_offs():
    statement = describe(by_rules(tally()))
    assert statement.lead == (
        "Awarded automatically by Waymark on 12 Oct 2026, when the recipient's record showed:"
    )
    assert statement.facts == [
        "5 social media entries between 1 Aug 2026 and 12 Oct 2026, "
        "3 of them signed off by a supervisor"
    ]
    assert statement.as_text() == (
        "Awarded automatically by Waymark on 12 Oct 2026, when the recipient's record showed: "
        "5 social media entries between 1 Aug 2026 and 12 Oct 2026, 3 of them signed off by a "
        "supervisor."
    )


@pytest.mark.parametrize(
    ("entries", "signed_off", "words"),
    [
        (1, 0, "1 social media entry on 1 Aug 2026, not signed off by a supervisor"),
        (1, 1, "1 social media entry on 1 Aug 2026, signed off by a supervisor"),
        (
            4,
            0,
            "4 social media entries between 1 Aug 2026 and 12 Oct 2026, "
            "none of them signed off by a supervisor",
        ),
        (
            5,
            5,
            "5 social media entries between 1 Aug 2026 and 12 Oct 2026, "
            "all 5 signed off by a supervisor",
        ),
    ],
)
def test_sign_offs_are_counted_in_plain_words(entries, signed_off, words):
    assert describe(by_rules(tally(entries=entries, signed_off=signed_off))).facts == [words]


def test_every_kind_of_rule_says_what_it_measured():
    rule = {
        "type": "all",
        "rules": [
            {
                "type": "cpd_credits",
                "credits": 24.5,
                "entries": 12,
                "signed_off": 4,
                "signed_off_only": False,
                "first": "2026-01-05",
                "last": "2026-11-02",
            },
            {
                "type": "coverage",
                "item": "uk-foundation/2021/HLO1",
                "title": "An accountable, capable and compassionate doctor",
                "covered": 5,
                "items": 5,
                "min_signed_off": 1,
            },
            {
                "type": "attendance",
                "programme": "St Elsewhere FY1 teaching",
                "attended": 4,
                "sessions": 5,
                "mandatory_only": True,
            },
            {"type": "badges", "held": ["Peer teacher", "Teaching programme lead"]},
            {"type": "any", "rules": [{"type": "badges", "held": ["Journal club regular"]}]},
        ],
    }
    assert describe(by_rules(rule)).facts == [
        "24.5 CPD credits from 12 entries between 5 Jan 2026 and 2 Nov 2026, "
        "4 of them signed off by a supervisor",
        "all 5 curriculum items under HLO1 An accountable, capable and compassionate doctor, "
        "each covered by an entry signed off by a supervisor",
        "attendance at 4 of the 5 mandatory sessions of St Elsewhere FY1 teaching held by then, "
        "as recorded on the session registers",
        "the badges Peer teacher and Teaching programme lead, already held",
        "the Journal club regular badge, already held",
    ]


def test_an_award_from_before_waymark_recorded_how_says_so_and_invents_nothing():
    award = Award(issued_on=ISSUED, achieved=None, narrative="Log five contributions.")
    statement = describe(award)
    assert statement.lead == (
        "Awarded automatically by Waymark's rules, before Waymark recorded how the criteria "
        "were met."
    )
    assert statement.facts == [] and statement.narrative == ""


# --- Recorded at award time, through the service -------------------------------------------------


@pytest.fixture
def reader(org_a, org_admin, badge_classes):
    return badge_class_services.create_badge_class(
        issuer=org_a.issuer,
        actor=org_admin,
        slug="reader",
        name="Reader",
        description="Reads the guidelines.",
        criteria="Log three readings.",
        rule={"type": "event_count", "min": 3, "kinds": ["reading"]},
    )


@pytest.fixture
def reader_award(reader, add, sign_off, enrolled_trainee):
    first, second, third = (
        add(1, kind="reading", title="NICE NG51 sepsis", date=day)[0]
        for day in ("2026-08-01", "2026-09-15", "2026-10-12")
    )
    sign_off([second])
    awarding.evaluate_awards(trainee=enrolled_trainee)
    return Award.objects.get(recipient=enrolled_trainee, badge_class=reader)


COUNTED = (
    "3 reading entries between 1 Aug 2026 and 12 Oct 2026, 1 of them signed off by a supervisor"
)


@pytest.mark.django_db
def test_an_award_by_the_rules_records_what_they_counted_not_the_criteria(reader_award):
    assert reader_award.achieved == {
        "by": "rules",
        "rule": {
            "type": "event_count",
            "noun": "reading entries",
            "entries": 3,
            "signed_off": 1,
            "signed_off_only": False,
            "first": "2026-08-01",
            "last": "2026-10-12",
        },
    }
    assert reader_award.narrative == ""
    # The audit chain vouches for the record.
    entry = AuditEntry.objects.get(action="award", object_id=str(reader_award.pk))
    assert entry.payload["achieved_sha256"] == sha256(canonical_json(reader_award.achieved))


@pytest.mark.django_db
def test_the_verification_page_and_the_assertion_state_the_counts(client, reader_award):
    page = client.get(reader_award.get_absolute_url()).content.decode()
    assert "How it was earned" in page
    assert f"<li>{COUNTED}</li>" in page

    document = client.get(f"/ob/v2/assertions/{reader_award.uid}").json()
    [evidence] = document["evidence"]
    assert COUNTED in evidence["narrative"]
    assert "Log three readings." not in evidence["narrative"]
    assert evidence["id"].endswith(reader_award.get_absolute_url())


@pytest.mark.django_db
def test_what_an_award_says_does_not_change_when_its_entries_do(
    client, reader_award, enrolled_trainee, supervisor
):
    before_page = client.get(reader_award.get_absolute_url()).content.decode()
    before = client.get(f"/ob/v2/assertions/{reader_award.uid}").json()["evidence"]

    signed = enrolled_trainee.learning_entries.get(date="2026-09-15")
    portfolio.withdraw_sign_off(entry=signed, actor=supervisor, reason="Wrong entry signed.")
    portfolio.update_entry(entry=signed, actor=enrolled_trainee, date="2026-11-01")
    other = enrolled_trainee.learning_entries.get(date="2026-08-01")
    portfolio.delete_entry(entry=other, actor=enrolled_trainee)
    awarding.evaluate_awards(trainee=enrolled_trainee)

    assert client.get(f"/ob/v2/assertions/{reader_award.uid}").json()["evidence"] == before
    after_page = client.get(reader_award.get_absolute_url()).content.decode()
    assert f"<li>{COUNTED}</li>" in after_page
    assert after_page.count("signed off by a supervisor") == before_page.count(
        "signed off by a supervisor"
    )


@pytest.mark.django_db
def test_an_award_by_hand_says_who_awarded_it(
    client, badge_classes, add, sign_off, enrolled_trainee, org_admin
):
    linked = sign_off(add(2, kind="teaching_delivered", title="Sepsis teaching", date="2026-09-01"))
    award = awarding.award_badge(
        badge_class=BadgeClass.objects.get(slug="teaching-impact"),
        recipient=enrolled_trainee,
        actor=org_admin,
        narrative="Her sepsis teaching cut time-to-antibiotics on ward 7.",
        entries=linked,
    )
    assert award.achieved == {
        "by": "hand",
        "awarded_by": org_admin.full_name,
        "issuer": "St Elsewhere NHS Foundation Trust",
        "entries": 2,
        "first": "2026-09-01",
        "last": "2026-09-01",
    }
    lead = (
        f"Awarded by hand by {org_admin.full_name} for St Elsewhere NHS Foundation Trust, "
        "not automatically by Waymark's rules."
    )
    linked_words = "Linked as evidence: 2 entries on 1 Sep 2026, each signed off by a supervisor"
    page = client.get(award.get_absolute_url()).content.decode()
    assert escape(lead) in page and linked_words in page
    assert "ward 7" not in page  # the issuer's words wait until the trainee shows the badge

    award.public = True
    award.save()
    page = client.get(award.get_absolute_url()).content.decode()
    assert "In the issuer's words: Her sepsis teaching cut time-to-antibiotics" in page
    narrative = client.get(f"/ob/v2/assertions/{award.uid}").json()["evidence"][0]["narrative"]
    assert narrative == (
        f"{lead} {linked_words}.\n\nHer sepsis teaching cut time-to-antibiotics on ward 7."
    )


@pytest.mark.django_db
def test_awards_from_before_the_record_fall_back_to_what_is_known(
    client, badge_classes, enrolled_trainee, org_admin
):
    # As the rules used to award: the criteria copied in as the narrative, nothing recorded.
    regular = BadgeClass.objects.get(slug="journal-club-regular")
    by_rules = Award.objects.create(
        badge_class=regular,
        recipient=enrolled_trainee,
        recipient_email=enrolled_trainee.email,
        narrative=regular.criteria,
        public=True,
    )
    by_hand = Award.objects.create(
        badge_class=BadgeClass.objects.get(slug="teaching-impact"),
        recipient=enrolled_trainee,
        recipient_email=enrolled_trainee.email,
        narrative="Audited impact.",
        awarded_by=org_admin,
    )

    narrative = client.get(f"/ob/v2/assertions/{by_rules.uid}").json()["evidence"][0]["narrative"]
    assert narrative == (
        "Awarded automatically by Waymark's rules, before Waymark recorded how the criteria "
        "were met."
    )
    page = client.get(by_rules.get_absolute_url()).content.decode()
    assert "before Waymark recorded how the criteria were met" in page
    # As the criteria, not again as evidence; the Open Badges 3.0 credential shown on the
    # page for copying carries the criteria too, as data.
    prose = re.sub(r'<pre class="credential-text">.*?</pre>', "", page, flags=re.S)
    assert prose.count(regular.criteria) == 1

    narrative = client.get(f"/ob/v2/assertions/{by_hand.uid}").json()["evidence"][0]["narrative"]
    assert narrative == (
        f"Awarded by hand by {org_admin.full_name} for St Elsewhere NHS Foundation Trust, "
        "not automatically by Waymark's rules."
    )
